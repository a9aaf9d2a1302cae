using System.CommandLine;
using PgSeed.Engine.Seed;

namespace PgSeed.Cli.Commands;

/// <summary><c>pgseed verify DIR...</c>: checks seed folders against their manifests; no database needed.</summary>
internal static class VerifyCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var folders = new Argument<string[]>("folder") { Description = "Seed folders to check.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("verify", "Check seed folders against their pgseed.json: files present, SHA-256, row counts, format version.") { folders };
        command.SetAction(async (result, cancellationToken) =>
        {
            var failed = false;
            foreach (var folder in result.GetValue(folders)!)
            {
                var verification = await SeedVerifier.VerifyAsync(folder, cancellationToken);
                foreach (var problem in verification.Problems)
                {
                    stderr.WriteLine($"error {problem.Code}: {problem.Message}");
                    stderr.WriteLine($"  see {problem.HelpUrl}");
                }
                if (verification.Ok)
                    stdout.WriteLine($"{folder}: ok ({verification.Manifest.Tables.Count} tables, {verification.Manifest.Tables.Sum(t => t.Rows)} rows)");
                failed |= !verification.Ok;
            }
            return failed ? 1 : 0;
        });
        return command;
    }
}
