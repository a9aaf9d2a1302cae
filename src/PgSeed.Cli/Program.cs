using System.CommandLine;
using PgSeed.Cli;

return await CliApp.RunAsync(args, Console.Out, Console.Error);
