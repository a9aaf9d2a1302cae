using System.CommandLine;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Import;
using PgSeed.Engine.Seed;
using PgSeed.Engine.Verify;

namespace PgSeed.Cli.Commands;

/// <summary>
/// <c>pgseed verify DIR...</c>: checks seed folders against their manifests (no database needed); with
/// <c>--against</c>, also against a database's schema and by an import into it that is always rolled back.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var folders = new Argument<string[]>("folder") { Description = "Seed folders to check.", Arity = ArgumentArity.OneOrMore };
        var against = new Option<string?>("--against")
        {
            Description = "Also check against this database (connection string or URI; password through PGPASSWORD): schema drift, then an import " +
                          "in a transaction that is always rolled back. Typically an empty database migrated to the current schema.",
        };
        var truncate = new Option<bool>("--truncate") { Description = "With --against: rehearse the import with --truncate (for a target that already holds rows)." };
        var upsert = new Option<bool>("--upsert") { Description = "With --against: rehearse the import with --upsert." };
        var verbose = CommonOptions.Verbose();
        var command = new Command("verify", "Check seed folders against their pgseed.json: files present, SHA-256, row counts, format version; with --against, against a database too.")
        {
            folders, against, truncate, upsert, verbose,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(truncate) || result.GetValue(upsert)) && result.GetValue(against) is null)
                result.AddError("--truncate and --upsert only apply with --against.");
            if (result.GetValue(truncate) && result.GetValue(upsert))
                result.AddError("--truncate and --upsert cannot be combined.");
        });
        command.SetAction(async (result, cancellationToken) =>
        {
            var failed = false;
            var target = result.GetValue(against) is { } a ? ConnectionResolver.Resolve(a) : null;
            var mode = result.GetValue(truncate) ? ImportMode.Truncate : result.GetValue(upsert) ? ImportMode.Upsert : ImportMode.Append;
            foreach (var folder in result.GetValue(folders)!)
            {
                if (target is null)
                {
                    var verification = await SeedVerifier.VerifyAsync(folder, cancellationToken);
                    foreach (var problem in verification.Problems)
                    {
                        stderr.WriteLine($"error {problem.Code}: {CliOptionNames.Respell(problem.Message)}");
                        stderr.WriteLine($"  see {problem.HelpUrl}");
                    }
                    if (verification.Ok)
                        stdout.WriteLine($"{folder}: ok ({verification.Manifest.Tables.Count} tables, {verification.Manifest.Tables.Sum(t => t.Rows)} rows)");
                    failed |= !verification.Ok;
                    continue;
                }
                var log = new ConsoleSeedLog(stdout, stderr, result.GetValue(verbose), quiet: false, showSql: result.GetValue(verbose));
                var outcome = await TargetVerifier.VerifyAsync(folder, target, mode, log, cancellationToken);
                foreach (var warning in outcome.Warnings) stderr.WriteLine($"warning {warning.Code}: {ConnectionResolver.Redact(CliOptionNames.Respell(warning.Message))}");
                foreach (var error in outcome.Errors)
                {
                    stderr.WriteLine($"error {error.Code}: {ConnectionResolver.Redact(CliOptionNames.Respell(error.Message))}");
                    stderr.WriteLine($"  see {error.HelpUrl}");
                }
                if (outcome.Ok)
                    stdout.WriteLine($"{folder}: ok against {outcome.Target} ({outcome.Import!.Tables.Count} tables, {outcome.Import.TotalRows} rows imported and rolled back)");
                else
                    stdout.WriteLine($"{folder}: {outcome.Errors.Count} problem(s) against {outcome.Target}");
                failed |= !outcome.Ok;
            }
            return failed ? CliApp.Failure : CliApp.Ok;
        });
        return command;
    }
}
