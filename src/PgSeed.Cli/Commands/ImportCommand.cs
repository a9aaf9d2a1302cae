using System.CommandLine;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Import;

namespace PgSeed.Cli.Commands;

/// <summary><c>pgseed import</c>: a thin adapter from command-line options to <see cref="ImportRequest"/>.</summary>
internal static class ImportCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var connection = CommonOptions.Connection();
        var input = new Option<string>("--in") { Description = "Seed folder to load (with its pgseed.json).", Required = true };
        var truncate = new Option<bool>("--truncate") { Description = "Empty the seed's tables first (one TRUNCATE statement), then load." };
        var upsert = new Option<bool>("--upsert") { Description = "Insert new rows and update existing ones by primary key (or a NOT NULL unique key)." };
        var cascade = new Option<bool>("--cascade") { Description = "With --truncate: also empty tables outside the seed that reference its tables." };
        var disableTriggers = new Option<bool>("--disable-triggers") { Description = "Load with user triggers off (session_replication_role = replica); needs a role that may set it. FKs are still checked." };
        var dryRun = CommonOptions.DryRun();
        var verbose = CommonOptions.Verbose();
        var quiet = CommonOptions.Quiet();

        var command = new Command("import", "Load a seed folder into a database in one transaction: all of it, or nothing.")
        {
            connection, input, truncate, upsert, cascade, disableTriggers, dryRun, verbose, quiet,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(truncate) && result.GetValue(upsert))
                result.AddError("--truncate and --upsert cannot be combined.");
            if (result.GetValue(cascade) && !result.GetValue(truncate))
                result.AddError("--cascade only applies with --truncate.");
        });
        command.SetAction(async (result, cancellationToken) =>
        {
            var request = new ImportRequest
            {
                ConnectionString = ConnectionResolver.Resolve(result.GetValue(connection)),
                SeedDirectory = result.GetValue(input)!,
                Mode = result.GetValue(truncate) ? ImportMode.Truncate : result.GetValue(upsert) ? ImportMode.Upsert : ImportMode.Append,
                Cascade = result.GetValue(cascade),
                DisableTriggers = result.GetValue(disableTriggers),
                DryRun = result.GetValue(dryRun),
            };
            var log = new ConsoleSeedLog(stdout, stderr, result.GetValue(verbose), result.GetValue(quiet), showSql: request.DryRun || result.GetValue(verbose));
            await log.RunAsync(() => SeedImporter.ImportAsync(request, log, cancellationToken), live: !request.DryRun);
            return 0;
        });
        return command;
    }
}
