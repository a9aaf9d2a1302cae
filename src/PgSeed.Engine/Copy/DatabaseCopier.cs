using System.Diagnostics;
using PgSeed.Engine.Catalog;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Import;
using PgSeed.Engine.Seed;

namespace PgSeed.Engine.Copy;

/// <summary>
/// Copies a referentially complete subset (or whole tables) from one database into another without files: the export's
/// reading side (<see cref="ExportSource"/>: one snapshot, the plan, the closure on the server or in this process) feeds
/// each table's COPY straight into the import's writing side (<see cref="ImportTarget"/>: the pre-flight against the
/// target's catalog, one transaction, FK cycles, sequences, truncate or upsert). On any failure — a bad row, the source
/// gone, a cancel — the target is rolled back and every statement still running on either side is cancelled.
/// </summary>
public static class DatabaseCopier
{
    /// <exception cref="PgSeedException">Any failure, with its code.</exception>
    /// <exception cref="OperationCanceledException">The token fired; both sides' statements were cancelled, the target is unchanged.</exception>
    public static Task<CopyReport> CopyAsync(CopyRequest request, ISeedLog? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ErrorBoundary.RunAsync(() => RunAsync(request, log ?? NullSeedLog.Instance, cancellationToken), e => e switch
        {
            Npgsql.PostgresException pe => ImportErrors.Other(pe, "copying"),
            _ => PgSeedErrors.From(e, "copying"),
        }, cancellationToken);
    }

    private static async Task<CopyReport> RunAsync(CopyRequest request, ISeedLog log, CancellationToken cancellationToken)
    {
        if (request.Parallel is < 1 or > SeedExporter.MaxParallel)
            throw new PgSeedException(ErrorCode.InvalidOption, $"{OptionNames.CopyParallel} must be between 1 and {SeedExporter.MaxParallel} (got {request.Parallel}).") { Option = OptionNames.CopyParallel };
        var watch = Stopwatch.StartNew();
        var selection = request.Source with
        {
            RootPatterns = true,
            KeepReferencesToExcludedTables = true,
            PiiLint = false,
            WriteSchema = false,
            WriteReadme = false,
            DryRun = request.DryRun,
            Parallel = request.Parallel,
            OutputDirectory = "",
        };
        var load = new ImportRequest
        {
            ConnectionString = request.TargetConnectionString,
            DataSource = request.TargetDataSource,
            SeedDirectory = "",
            Mode = request.Mode,
            Cascade = request.Cascade,
            DisableTriggers = request.DisableTriggers,
            DryRun = request.DryRun,
        };

        var source = await ExportSource.OpenAsync(selection, log, watch, cancellationToken).ConfigureAwait(false);
        await using var sourceScope = source.ConfigureAwait(false);
        var target = await ImportTarget.OpenAsync(request.TargetSessionSource, cancellationToken).ConfigureAwait(false);
        await using var targetScope = target.ConfigureAwait(false);
        await DatabaseIdentity.RefuseSameAsync(source.Main, target.Connection, selection.SessionSource.Description, target.Description, cancellationToken).ConfigureAwait(false);
        log.Detail($"copying into {target.Description}");

        // The target's pre-flight runs before the closure: a missing table or column costs no reading.
        var streams = new SourceStreams(source, log, cancellationToken);
        await using var streamsScope = streams.ConfigureAwait(false);
        var plan = source.Plan;
        var sources = plan.ImportOrder.Select(t => new ImportTableSource(SeedTableOf(t), t.ExportColumns.Select(c => c.Name).ToList(),
            new StreamedCsv(t, streams, () => source.Sizes.GetValueOrDefault(t.Name, (long)Math.Max(0, t.Info.EstimatedRows))))).ToList();
        await target.PlanAsync(load, sources, log, cancellationToken).ConfigureAwait(false);

        IReadOnlyList<TableReport> reports;
        if (request.DryRun)
        {
            await source.DescribeAsync(log, cancellationToken).ConfigureAwait(false);
            reports = await target.LoadAsync(load, log, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // The extra source connections open on the snapshot while the closure runs.
            using var sideCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var workerCount = await CopyWorkers.CountAsync(source.Main, selection, plan, SourceStreams.WorksOnWorker(source), cancellationToken).ConfigureAwait(false);
            var snapshot = workerCount > 0 ? await Sessions.ExportSnapshotAsync(source.Main, cancellationToken).ConfigureAwait(false) : null;
            var opening = workerCount > 0 ? CopyWorkers.OpenAsync(selection, snapshot!, workerCount, log, sideCancel.Token) : Task.FromResult(CopyWorkers.None);
            try
            {
                await source.ComputeAsync(selection, log, watch, cancellationToken).ConfigureAwait(false);
                var workers = (await opening.ConfigureAwait(false)).Connections;
                foreach (var w in workers) await source.Store.PrepareWorkerAsync(w, [], cancellationToken).ConfigureAwait(false);
                if (workers.Count > 0) log.Detail($"reading the source with {workers.Count + 1} connections sharing one snapshot");
                var byName = plan.Tables.ToDictionary(t => t.Name);
                streams.Start([source.Main, .. workers], target.Plan.Tables.Select(t => byName[t.Target.Name]).ToList());
                reports = await target.LoadAsync(load, log, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                sideCancel.Cancel();
                throw;
            }
            finally
            {
                await streams.DisposeAsync().ConfigureAwait(false);
                try { await (await opening.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false); } catch { /* failed to open: nothing to close */ }
            }
            await Sessions.ExecuteAsync(source.Main, "COMMIT", cancellationToken).ConfigureAwait(false);
        }

        watch.Stop();
        var tree = SummaryTree.Render(reports, watch.Elapsed, showTimes: !request.DryRun);
        log.Detail(tree.TrimEnd('\n'));
        log.Summary($"{(request.DryRun ? "Would copy" : "Copied")} {SummaryTree.Count(reports.Sum(r => r.Rows))} rows in {reports.Count} tables " +
                    $"({SummaryTree.Size(reports.Sum(r => r.Bytes))}, {SeedImporter.ModeName(request.Mode)}) from {selection.SessionSource.Description} " +
                    $"into {target.Description} in {SummaryTree.Time(watch.Elapsed)}" +
                    (request.DryRun ? " (dry run: nothing read or written)" : "") +
                    (source.Mode == ClosureMode.Client && selection.Closure == ClosureMode.Auto ? $" (client closure: {source.ModeReason})" : ""));
        return new CopyReport
        {
            Tables = reports, Elapsed = watch.Elapsed, Mode = request.Mode, DryRun = request.DryRun, Closure = source.Mode, ClosureReason = source.ModeReason, Tree = tree,
        };
    }

    /// <summary>What the import's plan needs to know of a copied table (what a seed's manifest would say).</summary>
    private static SeedTable SeedTableOf(PlannedTable t) => new()
    {
        Name = t.Name.Display,
        Schema = t.Name.Schema,
        Table = t.Name.Name,
        File = $"{t.Name.Display} (source)",
        Sha256 = "",
        Reason = t.Reason,
        Key = t.KeyColumns ?? [],
        Columns = t.ExportColumns.Select(c => new SeedColumn(c.Name, c.Type)).ToList(),
    };
}
