using System.Diagnostics;
using System.Text.RegularExpressions;
using Npgsql;
using PgSeed.Engine.Catalog;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Seed;

namespace PgSeed.Engine.Import;

/// <summary>
/// Loads a seed folder into a database in one transaction: on any failure (bad row, FK or unique
/// violation, cancellation) the target is exactly as before.
/// </summary>
public static class SeedImporter
{
    /// <summary>
    /// Verifies the seed (checksums, row counts, headers against the target's columns) before any write,
    /// then loads every table in manifest order, re-checks FKs, moves owned sequences past the imported
    /// values and commits.
    /// </summary>
    /// <exception cref="PgSeedException">Any expected failure, with its code and the table/file/line/column involved.</exception>
    /// <exception cref="OperationCanceledException">The token fired; the transaction was rolled back.</exception>
    public static Task<ImportReport> ImportAsync(ImportRequest request, ISeedLog? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ErrorBoundary.RunAsync(() => RunAsync(request, log ?? NullSeedLog.Instance, cancellationToken), e => e switch
        {
            PostgresException pe => ImportErrors.Other(pe, "importing"),
            IOException or UnauthorizedAccessException => new PgSeedException(ErrorCode.FileAccessFailed,
                $"Cannot read the seed folder '{request.SeedDirectory}': {e.Message} Check its permissions; nothing was imported.", e) { File = request.SeedDirectory },
            _ => PgSeedErrors.From(e, "importing"),
        }, cancellationToken);
    }

    private static async Task<ImportReport> RunAsync(ImportRequest request, ISeedLog log, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();

        // Pre-flight, part 1: the folder on its own (no database yet).
        var manifest = await SeedVerifier.EnsureValidAsync(request.SeedDirectory, cancellationToken).ConfigureAwait(false);

        var target = await ImportTarget.OpenAsync(request.SessionSource, cancellationToken).ConfigureAwait(false);
        await using var targetScope = target.ConfigureAwait(false);

        // Pre-flight, part 2: the seed against the target's catalog.
        await target.PlanAsync(request, ImportTableSource.FromSeedFolder(request.SeedDirectory, manifest), log, cancellationToken).ConfigureAwait(false);
        var plan = target.Plan;
        var reports = await target.LoadAsync(request, log, cancellationToken).ConfigureAwait(false);

        clock.Stop();
        var tree = SummaryTree.Render(reports, clock.Elapsed, showTimes: !request.DryRun);
        var verb = request.DryRun ? "Would import" : request.Rehearse ? "Rehearsed (rolled back) an import of" : "Imported";
        log.Detail(tree.TrimEnd('\n'));
        log.Summary($"{verb} {SummaryTree.Count(reports.Sum(r => r.Rows))} rows in {reports.Count} tables " +
                    $"({SummaryTree.Size(reports.Sum(r => r.Bytes))}, {ModeName(request.Mode)}) into {target.Description} " +
                    $"in {SummaryTree.Time(clock.Elapsed)}" + (request.DryRun ? " (dry run: nothing written)" : ""));
        return new ImportReport
        {
            Tables = reports,
            Elapsed = clock.Elapsed,
            Mode = request.Mode,
            DryRun = request.DryRun,
            Tree = tree,
            DroppedForeignKeys = plan.Dropped.Select(f => f.Key.Display).ToList(),
            DeferredForeignKeys = plan.Deferred.Select(f => f.Key.Display).ToList(),
            CascadedTables = plan.CascadedTables.Select(t => t.Display).ToList(),
        };
    }

    internal static string ModeName(ImportMode mode) => mode switch
    {
        ImportMode.Truncate => "truncate",
        ImportMode.Upsert => "upsert",
        _ => "append",
    };

    internal static void LogPlan(ImportPlan plan, ImportRequest request, ISeedLog log)
    {
        var lines = new List<string>
        {
            $"plan: import {plan.Tables.Count} tables ({ModeName(plan.Mode)}{(plan.DisableTriggers ? ", triggers disabled" : "")}{(request.DryRun ? ", dry run" : "")})",
        };
        for (var i = 0; i < plan.Tables.Count; i++)
        {
            var t = plan.Tables[i];
            var how = t.ConflictKey is not null ? $"upsert on ({string.Join(", ", t.ConflictKey)})"
                : t.Staged ? "COPY via staging table" : t.Freeze ? "COPY FREEZE" : "COPY";
            lines.Add($"  {i + 1}. {t.Display} <- {t.Csv.Name} ({t.Csv.Expected.Rows} rows, {how})" +
                      (t.SkippedColumns.Count > 0 ? $"; generated in target, skipped: {string.Join(", ", t.SkippedColumns)}" : ""));
        }
        foreach (var t in plan.Tables.Where(t => t.SilencedTriggers.Count > 0))
            lines.Add($"  {t.Display}: user triggers off while existing rows are updated: {string.Join(", ", t.SilencedTriggers.Select(x => x.Display))}");
        static string Cycle(ForeignKeyPlan fk) => fk.OnCycle ? $" (on a cycle: {fk.Key.Parent.Display} loads after {fk.Key.Child.Display})" : "";
        foreach (var fk in plan.Dropped) lines.Add($"  FK {fk.Key.Display}: dropped, re-added (validated) before commit{Cycle(fk)}");
        foreach (var fk in plan.Deferred) lines.Add($"  FK {fk.Key.Display}: deferred to commit{Cycle(fk)}");
        foreach (var s in plan.Sequences)
            lines.Add($"  sequence {s.Sequence}: moved past the imported {s.Column} values last, " +
                      (s.Owned ? "transactionally (ALTER SEQUENCE ... RESTART)" : "by setval (not the owner), moved back if the import fails"));
        foreach (var table in plan.CascadedTables)
            lines.Add(plan.Cascade ? $"  {table.Display}: outside the seed, emptied by TRUNCATE ... CASCADE" : $"  {table.Display}: outside the seed, empty, truncated with it");
        // A dry run exists to show the plan: one block, so adapters print it whole.
        if (request.DryRun) log.Detail(string.Join("\n", lines));
        else foreach (var line in lines) log.Detail(line);
        if (plan.Cascade && plan.CascadedTables.Count > 0)
            log.Warning(ErrorCode.TruncateReferenced, $"{OptionNames.ImportCascade} also empties tables outside the seed: {string.Join(", ", plan.CascadedTables.Select(t => t.Display))}.");
    }

    // "child of public.customer via fk" / "parent of public.order via fk" -> the table it hangs under.
    internal static string? TreeParentOf(SeedTable table, ImportPlan plan)
    {
        if (table.Reason is null) return null;
        var m = Regex.Match(table.Reason, @"^(?:child|parent) of (.+) via ");
        if (!m.Success) return null;
        var parent = m.Groups[1].Value;
        return plan.Tables.Any(t => t.Display == parent) ? parent : null;
    }
}
