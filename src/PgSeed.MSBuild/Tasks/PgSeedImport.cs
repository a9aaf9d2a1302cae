using Microsoft.Build.Framework;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Import;
using PgSeed.MSBuild.Logging;

namespace PgSeed.MSBuild.Tasks;

/// <summary>
/// Loads every selected seed folder into the database named by the connection, each folder in one
/// transaction with <see cref="SeedImporter"/>. Stops at the first failing seed: later seeds may
/// reference its rows.
/// </summary>
public sealed class PgSeedImport : PgSeedTask
{
    /// <summary>Connection string (PgSeedConnection). Empty: PGSEED_CONNECTION, then PG* variables.</summary>
    public string? Connection { get; set; }

    /// <summary><c>append</c> (default), <c>truncate</c> or <c>upsert</c> (PgSeedImportMode).</summary>
    public string? Mode { get; set; }

    /// <summary>With truncate: also truncate tables outside the seed that reference it (PgSeedImportCascade).</summary>
    public bool Cascade { get; set; }

    /// <summary>Load with user triggers off (PgSeedImportDisableTriggers).</summary>
    public bool DisableTriggers { get; set; }

    /// <summary>Print the plan and SQL; write nothing (PgSeedDryRun).</summary>
    public bool DryRun { get; set; }

    private protected override async System.Threading.Tasks.Task RunAsync(CancellationToken cancellationToken)
    {
        var mode = ParseMode(Mode);
        var seeds = SelectedSeeds();
        if (seeds.Count == 0)
        {
            if (NoneSelectedHere) return;
            SeedLog.Warning(ErrorCode.NoSeedItems, "No PgSeed items to import. Declare seeds as <PgSeed Include=\"seeds/name\" Table=\"...\" /> items.");
            return;
        }
        var connection = ResolveConnection(Connection);
        foreach (var seed in seeds)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ok = await RunSeedAsync(seed, async () =>
            {
                var request = new ImportRequest
                {
                    ConnectionString = connection,
                    SeedDirectory = seed.Folder,
                    Mode = mode,
                    Cascade = Cascade,
                    DisableTriggers = DisableTriggers,
                    DryRun = DryRun,
                };
                var log = new SeedScopedLog(SeedLog, seed.Spec);
                var report = await Operations.ImportAsync(request, log, cancellationToken).ConfigureAwait(false);
                if (!log.WroteSummary)
                {
                    if (!string.IsNullOrEmpty(report.Tree)) log.Detail(report.Tree);
                    log.Summary($"{(report.DryRun ? "dry run, would import" : "imported")} {report.Tables.Count} tables, " +
                                $"{SummaryTree.Count(report.TotalRows)} rows ({mode.ToString().ToLowerInvariant()}) in {SummaryTree.Time(report.Elapsed)}");
                }
            }, cancellationToken).ConfigureAwait(false);
            if (!ok) return;
        }
    }

    internal static ImportMode ParseMode(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "append" => ImportMode.Append,
        "truncate" => ImportMode.Truncate,
        "upsert" => ImportMode.Upsert,
        _ => throw new PgSeedException(ErrorCode.BuildItemInvalid, $"PgSeedImportMode must be append, truncate or upsert, not '{text}'."),
    };
}
