using PgSeed.Cli;

using var interrupts = new Interrupts();
return await CliApp.RunAsync(args, Console.Out, Console.Error, interrupts.Token);
