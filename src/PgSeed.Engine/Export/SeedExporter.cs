using System.Diagnostics;
using Npgsql;
using PgSeed.Engine.Catalog;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Seed;

namespace PgSeed.Engine.Export;

/// <summary>
/// Exports a referentially complete subset into a seed folder. The pipeline:
/// catalog → plan (<see cref="SubsetPlanner"/>) → closure in temp key tables (<see cref="ClosureRunner"/>)
/// → COPY of the final row sets, spread over connections sharing one snapshot → manifest → atomic folder swap.
/// Everything is read in one REPEATABLE READ, READ ONLY transaction (key tables are temporary).
/// </summary>
public static class SeedExporter
{
    /// <summary>The most connections <see cref="ExportRequest.Parallel"/> may ask for.</summary>
    public const int MaxParallel = 16;

    /// <exception cref="PgSeedException">Any failure, with its code (server errors, I/O errors and bugs included).</exception>
    /// <exception cref="OperationCanceledException">The token fired; server statements were cancelled, the previous seed folder is untouched.</exception>
    public static Task<ExportReport> ExportAsync(ExportRequest request, ISeedLog? log = null, CancellationToken cancellationToken = default) =>
        ErrorBoundary.RunAsync(() => RunAsync(request, log ?? NullSeedLog.Instance, cancellationToken), e => Translate(e, request), cancellationToken);

    /// <summary>What reaches the export's boundary uncoded: privileges, the output folder, anything else.</summary>
    private static PgSeedException Translate(Exception e, ExportRequest request) => e switch
    {
        Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.InsufficientPrivilege } pe => ExportPrivileges.Denied(pe),
        IOException io when PgSeedErrors.IsDiskFull(io) => new PgSeedException(ErrorCode.DiskFull,
            $"Writing the seed to '{request.OutputDirectory}' failed: the disk is full ({io.Message}). The partial files were removed and the previous " +
            "seed folder is untouched; free space (or raise the quota) and export again.", e) { File = request.OutputDirectory },
        IOException or UnauthorizedAccessException => new PgSeedException(ErrorCode.OutputFolder,
            $"Cannot write the seed to '{request.OutputDirectory}': {e.Message} Check that the folder is writable (permissions, read-only file system); " +
            "the previous seed folder is untouched.", e) { File = request.OutputDirectory },
        _ => PgSeedErrors.From(e, "exporting"),
    };

    private static async Task<ExportReport> RunAsync(ExportRequest request, ISeedLog log, CancellationToken cancellationToken)
    {
        if (request.Parallel is < 1 or > MaxParallel)
            throw new PgSeedException(ErrorCode.InvalidOption, $"{OptionNames.ExportParallel} must be between 1 and {MaxParallel} (got {request.Parallel}).") { Option = OptionNames.ExportParallel };
        if (string.IsNullOrWhiteSpace(request.OutputDirectory) && !request.DryRun)
            throw new PgSeedException(ErrorCode.InvalidOption, $"No output folder given ({OptionNames.ExportOutputDirectory}).") { Option = OptionNames.ExportOutputDirectory };

        var watch = Stopwatch.StartNew();
        var source = await ExportSource.OpenAsync(request, log, watch, cancellationToken).ConfigureAwait(false);
        await using var sourceScope = source.ConfigureAwait(false);
        var (main, catalog, plan, mode, why) = (source.Main, source.Catalog, source.Plan, source.Mode, source.ModeReason);

        if (request.DryRun)
        {
            await source.DescribeAsync(log, cancellationToken).ConfigureAwait(false);
            var planGraph = SeedGraphBuilder.Build(plan);
            var dry = planGraph.Tables.Select(t => new TableReport { Table = t.Name, Reason = t.Reason, TreeParent = t.TreeParent, Note = Note(t) }).ToList();
            return new ExportReport
            {
                Tables = dry, Elapsed = watch.Elapsed, DryRun = true, Tree = planGraph.ToText(), Graph = planGraph, Closure = mode, ClosureReason = why, EfMigration = source.EfMigration,
            };
        }

        using var folder = new SeedFolderWriter(request.OutputDirectory);
        var files = SeedFileNames.Assign(plan.Tables.Select(t => t.Name));
        // pg_dump (schema.sql) and the parallel copy connections start now, in their own sessions on this
        // transaction's snapshot (one exported id for all), while this connection computes the subset.
        using var sideCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workerCount = await CopyWorkers.CountAsync(main, request, plan, t => !source.Store.StaysOnMain(t), cancellationToken).ConfigureAwait(false);
        var snapshot = request.WriteSchema || workerCount > 0 ? await Sessions.ExportSnapshotAsync(main, cancellationToken).ConfigureAwait(false) : null;
        var schemaDump = request.WriteSchema
            ? await Shaping.SchemaDumper.StartAsync(main, request.SessionSource, request.PgDump, catalog.ServerMajorVersion,
                Shaping.SchemaDumper.TablesToDump(catalog, plan.Tables.Select(t => t.Info)), folder.PathFor(Shaping.SchemaDumper.FileName), log, sideCancel.Token, snapshot).ConfigureAwait(false)
            : Task.FromResult(false);
        var opening = workerCount > 0 ? CopyWorkers.OpenAsync(request, snapshot!, workerCount, log, sideCancel.Token) : Task.FromResult(CopyWorkers.None);
        Dictionary<TableName, CopyResult> results;
        try
        {
            await source.ComputeAsync(request, log, watch, cancellationToken).ConfigureAwait(false);
            results = await CopyPhase.RunAsync(main, (await opening.ConfigureAwait(false)).Connections, plan, source.Store, source.Sizes, files, folder, log, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            sideCancel.Cancel();
            try { await schemaDump.ConfigureAwait(false); } catch { /* the export's own error is the one to report */ }
            throw;
        }
        finally
        {
            try { await (await opening.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false); } catch { /* failed to open: nothing to close */ }
        }
        await schemaDump.ConfigureAwait(false);
        await Sessions.ExecuteAsync(main, "COMMIT", cancellationToken).ConfigureAwait(false);

        var manifest = BuildManifest(request, catalog, plan, files, results) with { EfMigration = source.EfMigration };
        if (request.ManifestOverride is { } adjust) manifest = adjust(manifest);
        await ManifestSerializer.WriteAsync(manifest, folder.PathFor(SeedManifest.FileName), cancellationToken).ConfigureAwait(false);
        var graph = SeedGraphBuilder.Build(plan, results.ToDictionary(r => r.Key, r => (r.Value.Rows, r.Value.Bytes)), source.Closure);
        if (request.WriteReadme && SeedReadme.MayWrite(folder.Target))
            await File.WriteAllTextAsync(folder.PathFor(SeedReadme.FileName),
                SeedReadme.Render(request, plan, graph, request.SeedName ?? Path.GetFileName(folder.Target), File.Exists(folder.PathFor(Shaping.SchemaDumper.FileName))),
                new System.Text.UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
        folder.Commit();

        var notes = graph.Tables.ToDictionary(t => t.Name, Note);
        var reports = plan.ImportOrder.Select(t => new TableReport
        {
            Table = t.Name.Display,
            Rows = results[t.Name].Rows,
            Bytes = results[t.Name].Bytes,
            Elapsed = results[t.Name].Elapsed,
            Reason = t.Reason,
            TreeParent = t.TreeParent?.Display,
            Note = notes[t.Name.Display],
        }).ToList();
        var tree = SummaryTree.Render(reports, watch.Elapsed);
        log.Detail(tree.TrimEnd());
        log.Summary($"Exported {reports.Count} tables, {reports.Sum(r => r.Rows)} rows ({SummaryTree.Size(reports.Sum(r => r.Bytes))}) to {folder.Target} in {SummaryTree.Time(watch.Elapsed)}" +
                    // Said on the headline when PgSeed chose it: the user asked for nothing, and it costs memory here.
                    (mode == ClosureMode.Client && request.Closure == ClosureMode.Auto ? $" (client closure: {why})" : ""));
        return new ExportReport
        {
            Tables = reports, Elapsed = watch.Elapsed, OutputDirectory = folder.Target, Tree = tree, Graph = graph, Closure = mode, ClosureReason = why, EfMigration = source.EfMigration,
        };
    }

    private static string? Note(Picture.SeedGraphTable t) => t.Notes.Count == 0 ? null : string.Join("; ", t.Notes);

    private static SeedManifest BuildManifest(ExportRequest request, DatabaseCatalog catalog, SubsetPlan plan,
        IReadOnlyDictionary<TableName, string> files, Dictionary<TableName, CopyResult> results)
    {
        var names = plan.Tables.Select(t => t.Name).ToHashSet();
        return new SeedManifest
        {
            SourceServerMajorVersion = catalog.ServerMajorVersion,
            Definition = RecordedDefinition.From(request,
                plan.Roots.Select(r => new SeedRoot { Table = (r.Partition?.Name ?? r.Table.Name).Display, Filter = r.Selection.Filter, Raw = r.Selection.Raw }).ToList()),
            Tables = plan.ImportOrder.Select(t => new SeedTable
            {
                Name = t.Name.Display,
                Schema = t.Name.Schema,
                Table = t.Name.Name,
                File = files[t.Name],
                Rows = results[t.Name].Rows,
                Bytes = results[t.Name].Bytes,
                Sha256 = results[t.Name].Sha256,
                Reason = t.Reason,
                Key = t.KeyColumns ?? Array.Empty<string>(),
                Columns = t.ExportColumns.Select(c => new SeedColumn(c.Name, c.Type)).ToList(),
            }).ToList(),
            ForeignKeys = catalog.ForeignKeys
                .Where(f => names.Contains(f.Child) && names.Contains(f.Parent))
                .Select(f => new SeedForeignKey
                {
                    Name = f.Name,
                    Table = f.Child.Display,
                    Columns = f.Columns,
                    References = f.Parent.Display,
                    ReferencedColumns = f.ParentColumns,
                    Deferrable = f.Deferrable,
                }).ToList(),
        };
    }
}
