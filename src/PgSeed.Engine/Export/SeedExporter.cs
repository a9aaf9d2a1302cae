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
            throw new PgSeedException(ErrorCode.InvalidOption, $"--parallel must be between 1 and {MaxParallel} (got {request.Parallel}).");
        if (string.IsNullOrWhiteSpace(request.OutputDirectory) && !request.DryRun)
            throw new PgSeedException(ErrorCode.InvalidOption, "No output folder given (--out).");

        var watch = Stopwatch.StartNew();
        await using var main = await Sessions.OpenAsync(request.ConnectionString, cancellationToken);
        await using var cancelOnServer = ServerCancellation.Register(main, request.ConnectionString, cancellationToken);
        log.Detail($"exporting from {ConnectionResolver.Describe(request.ConnectionString)}");

        await Sessions.ExecuteAsync(main, Sessions.ExportSettings, cancellationToken);
        if (Shaping.MaskSql.SaltSettings(request.Rules) is { } salts) await Sessions.ExecuteAsync(main, salts, cancellationToken); // never logged
        // The snapshot starts with the catalog read: schema and rows come from the same moment.
        await Sessions.ExecuteAsync(main, "BEGIN ISOLATION LEVEL REPEATABLE READ", cancellationToken);
        var catalog = await CatalogReader.ReadAsync(main, request.Schemas, cancellationToken);
        log.Detail($"catalog: {catalog.Tables.Count()} tables, {catalog.ForeignKeys.Count} foreign keys read in {SummaryTree.Time(watch.Elapsed)}");
        var plan = SubsetPlanner.Plan(catalog, request, log);
        LogPlan(plan, log);
        var (mode, why) = await ClosureModeChoice.ChooseAsync(main, request.Closure, plan, cancellationToken).ConfigureAwait(false);
        log.Detail($"closure: {mode.ToString().ToLowerInvariant()} ({why})");
        await ExportPrivileges.CheckAsync(main, plan, mode == ClosureMode.Server, cancellationToken);
        ClosureStore store = mode == ClosureMode.Server
            ? new ServerClosureStore(main, plan, log)
            : new ClientClosureStore(main, plan, log, request.ClosureKeyLimit);

        if (request.DryRun)
        {
            await FilterCheck.RunAsync(main, plan, cancellationToken).ConfigureAwait(false);
            foreach (var s in store.DescribeSetUp()) log.Sql(s);
            foreach (var r in plan.Roots.Where(r => !r.Table.All)) log.Sql(store.DescribeRoot(r));
            foreach (var s in new ClosureRunner(plan, store, NullSeedLog.Instance).DescribeSteps())
                log.Sql(s.Replace("@r", "<previous round>"));
            foreach (var t in plan.ImportOrder) log.Sql(mode == ClosureMode.Server ? ClosureSql.CopyOut(t, ClosureSql.ExportedRows(t, "t")) : ClientClosureStore.DescribeCopy(t));
            await Sessions.ExecuteAsync(main, "ROLLBACK", cancellationToken);
            var planGraph = Picture.SeedGraphBuilder.Build(plan);
            var dry = planGraph.Tables.Select(t => new TableReport { Table = t.Name, Reason = t.Reason, TreeParent = t.TreeParent, Note = Note(t) }).ToList();
            return new ExportReport
            {
                Tables = dry, Elapsed = watch.Elapsed, DryRun = true, Tree = planGraph.ToText(), Graph = planGraph, Closure = mode, ClosureReason = why,
            };
        }

        using var folder = new SeedFolderWriter(request.OutputDirectory);
        var files = SeedFileNames.Assign(plan.Tables.Select(t => t.Name));
        // pg_dump (schema.sql) and the parallel copy connections start now, in their own sessions on this
        // transaction's snapshot (one exported id for all), while this connection computes the subset.
        using var sideCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workerCount = await CopyWorkers.CountAsync(main, request, plan, cancellationToken);
        var snapshot = request.WriteSchema || workerCount > 0 ? await Sessions.ExportSnapshotAsync(main, cancellationToken) : null;
        var schemaDump = request.WriteSchema
            ? await Shaping.SchemaDumper.StartAsync(main, request.ConnectionString, catalog.ServerMajorVersion,
                Shaping.SchemaDumper.TablesToDump(catalog, plan.Tables.Select(t => t.Info)), folder.PathFor(Shaping.SchemaDumper.FileName), log, sideCancel.Token, snapshot)
            : Task.FromResult(false);
        var opening = workerCount > 0 ? CopyWorkers.OpenAsync(request, snapshot!, workerCount, log, sideCancel.Token) : Task.FromResult(CopyWorkers.None);
        Dictionary<TableName, CopyResult> results;
        ClosureRunner closure;
        try
        {
            // Then nothing but the server store's temporary tables can be written, whatever a filter tries.
            await store.SetUpAsync(cancellationToken);

            await FilterCheck.RunAsync(main, plan, cancellationToken).ConfigureAwait(false);
            closure = new ClosureRunner(plan, store, log);
            await closure.RunAsync(cancellationToken);
            var sizes = await store.MeasureAsync(cancellationToken);
            log.Detail($"closure done at {SummaryTree.Time(watch.Elapsed)}; copying {plan.Tables.Count} tables");
            await CheckWhereRulesAsync(main, plan, store, request.Strict, log, cancellationToken);
            if (request.PiiLint)
                await Shaping.PiiLint.RunAsync(main, catalog, plan, request, log, cancellationToken, t => store.ExportedRows(t, "t", Shaping.PiiLint.SampleRows));

            results = await CopyPhase.RunAsync(main, (await opening).Connections, plan, store, sizes, files, folder, log, cancellationToken);
        }
        catch
        {
            sideCancel.Cancel();
            try { await schemaDump; } catch { /* the export's own error is the one to report */ }
            throw;
        }
        finally
        {
            try { await (await opening).DisposeAsync(); } catch { /* failed to open: nothing to close */ }
        }
        await schemaDump;
        await Sessions.ExecuteAsync(main, "COMMIT", cancellationToken);

        var manifest = BuildManifest(request, catalog, plan, files, results);
        if (request.ManifestOverride is { } adjust) manifest = adjust(manifest);
        await ManifestSerializer.WriteAsync(manifest, folder.PathFor(SeedManifest.FileName), cancellationToken);
        var graph = Picture.SeedGraphBuilder.Build(plan, results.ToDictionary(r => r.Key, r => (r.Value.Rows, r.Value.Bytes)), closure);
        if (request.WriteReadme && Picture.SeedReadme.MayWrite(folder.Target))
            await File.WriteAllTextAsync(folder.PathFor(Picture.SeedReadme.FileName),
                Picture.SeedReadme.Render(request, plan, graph, request.SeedName ?? Path.GetFileName(folder.Target), File.Exists(folder.PathFor(Shaping.SchemaDumper.FileName))),
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
        log.Summary($"Exported {reports.Count} tables, {reports.Sum(r => r.Rows)} rows ({SummaryTree.Size(reports.Sum(r => r.Bytes))}) to {folder.Target} in {SummaryTree.Time(watch.Elapsed)}");
        return new ExportReport
        {
            Tables = reports, Elapsed = watch.Elapsed, OutputDirectory = folder.Target, Tree = tree, Graph = graph, Closure = mode, ClosureReason = why,
        };
    }

    private static string? Note(Picture.SeedGraphTable t) => t.Notes.Count == 0 ? null : string.Join("; ", t.Notes);

    private static void LogPlan(SubsetPlan plan, ISeedLog log)
    {
        log.Detail($"plan: {plan.Tables.Count} tables, {plan.ParentEdges.Count} parent edges, {plan.ChildEdges.Count} child edges");
        foreach (var t in plan.ImportOrder)
            log.Detail($"  {t.Name.Display}: {t.Reason}{(t.All ? " (every row)" : "")}{(t.UsesCtid ? " (no key: rows identified by ctid)" : "")}");
    }

    /// <summary>
    /// A where rule never drops a row another exported row references (the seed would not import). Count
    /// the rows kept for that reason: a warning, or an error with --strict.
    /// </summary>
    private static async Task CheckWhereRulesAsync(NpgsqlConnection connection, SubsetPlan plan, ClosureStore store, bool strict, ISeedLog log,
        CancellationToken cancellationToken)
    {
        foreach (var t in plan.Tables.Where(t => t.Where is not null && t.HasKeyTable))
        {
            // The rule names the table's columns plainly, so the table is the only one in scope outside the subquery
            // (a wide key table has the same column names).
            var keys = string.Join(", ", t.KeyExpressions(t.Name.Sql));
            await using var cmd = new NpgsqlCommand(
                $"SELECT count(*) FROM {t.Name.Sql} WHERE ({keys}) IN (SELECT {string.Join(", ", t.KeyExpressions("pgseed_k"))} FROM {store.ExportedRows(t, "pgseed_k")}) " +
                $"AND NOT COALESCE(({t.Where}), false)", connection);
            foreach (var (name, value) in t.WhereParameters) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
            var kept = Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken));
            if (kept == 0) continue;
            var message = $"{t.Name.Display}: the where rule could not drop {kept} rows because other exported rows reference them; they are kept so the seed imports.";
            if (strict) throw new PgSeedException(ErrorCode.RuleKeptParents, message + " (--strict)") { Table = t.Name.Display };
            log.Warning(ErrorCode.RuleKeptParents, message);
        }
    }

    private static SeedManifest BuildManifest(ExportRequest request, DatabaseCatalog catalog, SubsetPlan plan,
        IReadOnlyDictionary<TableName, string> files, IReadOnlyDictionary<TableName, CopyResult> results)
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
