using PgSeed.Adapters;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Diff;
using PgSeed.Engine.Export;

namespace PgSeed.Cli.Commands;

/// <summary><c>pgseed export --check</c>: is the checked-in seed what an export would write now?</summary>
internal static class ExportCheck
{
    /// <summary>Prints the outcome; false when the seed would change.</summary>
    public static async Task<bool> RunAsync(ExportRequest request, ISeedLog log, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (request.DryRun) throw new PgSeedException(ErrorCode.InvalidOption, "--check and --dry-run cannot be combined.");
        var result = await SeedCheck.CheckAsync(EnvironmentSwitches.Apply(request), log, cancellationToken: cancellationToken);
        if (result.UpToDate)
        {
            stdout.WriteLine($"{result.Folder}: up to date");
            return true;
        }
        stdout.WriteLine($"{result.Folder}: would change ({ErrorCode.SeedStale})");
        foreach (var line in result.Changes) stdout.WriteLine("  " + line);
        return false;
    }
}
