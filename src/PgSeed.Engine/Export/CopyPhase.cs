using System.Diagnostics;
using Npgsql;
using PgSeed.Engine.Catalog;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Export;

internal sealed record CopyResult(long Rows, long Bytes, string Sha256, TimeSpan Elapsed);

/// <summary>
/// COPYs the final row sets to CSV files. With workers (<see cref="CopyWorkers"/>, on the main transaction's
/// snapshot) the tables are spread over the connections, largest first, each to the least loaded one; whole-row
/// tables stay on the main connection. Key tables are temporary and visible to the main session only, so a worker
/// receives the keys of its tables by a binary COPY streamed from the main connection into its own temporary table.
/// </summary>
internal static class CopyPhase
{
    public static async Task<Dictionary<TableName, CopyResult>> RunAsync(NpgsqlConnection main, IReadOnlyList<NpgsqlConnection> workers,
        SubsetPlan plan, IReadOnlyDictionary<TableName, long> sizes, IReadOnlyDictionary<TableName, string> files, SeedFolderWriter folder,
        ISeedLog log, CancellationToken cancellationToken)
    {
        var jobs = plan.Tables.OrderByDescending(t => sizes[t.Name] * Math.Max(1, t.ExportColumns.Count)).ThenBy(t => t.Name).ToList();
        // Longest processing time first: each table to the connection with the least work so far.
        var connections = new List<NpgsqlConnection> { main };
        connections.AddRange(workers);
        var queues = connections.Select(_ => new List<PlannedTable>()).ToList();
        var load = new long[connections.Count];
        foreach (var job in jobs)
        {
            // A wide key table holds whole rows: it stays on the main connection rather than being sent to a worker.
            var target = job.Wide ? 0 : Array.IndexOf(load, load.Min());
            queues[target].Add(job);
            load[target] += Math.Max(1, sizes[job.Name]) * Math.Max(1, job.ExportColumns.Count);
        }

        // Hand each worker the keys of its tables, then let it write only its temporary tables.
        for (var w = 1; w < connections.Count; w++)
        {
            foreach (var t in queues[w].Where(t => !t.All))
                await TransferKeysAsync(main, connections[w], t, cancellationToken);
            await Sessions.ExecuteAsync(connections[w], "SET TRANSACTION READ ONLY", cancellationToken);
        }
        if (connections.Count > 1) log.Detail($"copying with {connections.Count} connections sharing one snapshot");

        var sortInstead = await KeyOrderScans.SortInsteadAsync(main, plan.Tables, cancellationToken).ConfigureAwait(false);
        var progress = SeedProgress.For(log);
        progress.TablesStarting(jobs.Select(t => new TableProgressInfo(t.Name.Display, sizes[t.Name], 0)).ToList());
        var results = new Dictionary<TableName, CopyResult>();
        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tasks = connections.Select((c, i) => RunQueueAsync(c, i == 0, queues[i])).ToList();
        try
        {
            await Task.WhenAll(tasks);
        }
        catch
        {
            failFast.Cancel();
            // Prefer the first real error over the cancellations it caused.
            var first = tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!).FirstOrDefault(e => e is not OperationCanceledException);
            if (first is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
            throw;
        }

        foreach (var w in workers) await Sessions.ExecuteAsync(w, "COMMIT", cancellationToken);
        return results;

        async Task RunQueueAsync(NpgsqlConnection connection, bool isMain, List<PlannedTable> queue)
        {
            var sorting = false;
            foreach (var t in queue)
            {
                failFast.Token.ThrowIfCancellationRequested();
                if (sortInstead.Contains(t.Name) != sorting)
                {
                    sorting = !sorting;
                    log.Sql(KeyOrderScans.Setting(sorting));
                    await Sessions.ExecuteAsync(connection, KeyOrderScans.Setting(sorting), failFast.Token).ConfigureAwait(false);
                }
                var byKeys = t.DerivedFrom is { } entry && ClosureSql.CanProbeByKeys(entry, t.DerivedParent!, t) &&
                             sizes[t.DerivedParent!.Name] * ClosureSql.ChildRowsPerKeyForArrayProbe <= t.Info.EstimatedRows;
                var sql = ClosureSql.CopyOut(t, isMain ? null : WorkerKeyTable(t), byKeys);
                log.Sql(sql);
                var watch = Stopwatch.StartNew();
                (long Rows, long Bytes, string Sha256) r;
                try
                {
                    var name = t.Name.Display;
                    r = await TableCopier.CopyToFileAsync(connection, sql, folder.PathFor(files[t.Name]), failFast.Token,
                        (rows, bytes) => progress.TableProgress(name, rows, bytes));
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
                {
                    throw ExportPrivileges.Denied(e);
                }
                catch (PostgresException e)
                {
                    throw new PgSeedException(ErrorCode.DatabaseError,
                        $"Reading {t.Name.Display} failed: {e.MessageText}" + (t.Transforms.Count > 0 ? " (check its transforms)" : ""), e) { Table = t.Name.Display };
                }
                var result = new CopyResult(r.Rows, r.Bytes, r.Sha256, watch.Elapsed);
                lock (results) results[t.Name] = result;
                progress.TableFinished(t.Name.Display, r.Rows, r.Bytes, watch.Elapsed);
            }
        }
    }

    private static string WorkerKeyTable(PlannedTable t) => $"pg_temp.pgseed_w{t.Index}";

    private static async Task TransferKeysAsync(NpgsqlConnection main, NpgsqlConnection worker, PlannedTable t, CancellationToken cancellationToken)
    {
        // Workers get derived tables (their copy holds the values the entry FK references, see ClosureSql.ExportedRows)
        // and tables keyed by (tableoid, ctid); whole-row tables stay on the main connection.
        var types = t.DerivedFrom is { } entry ? entry.ParentColumns.Select(c => t.DerivedParent!.Info.Column(c)!.Type).ToArray() : ["oid", "tid"];
        var columns = Enumerable.Range(0, types.Length).Select(i => $"pgseed_k{i}").ToList();
        await Sessions.ExecuteAsync(worker,
            $"CREATE TEMP TABLE {WorkerKeyTable(t)} ({string.Join(", ", columns.Zip(types, (c, ty) => $"{c} {ty}"))}) ON COMMIT DROP", cancellationToken);
        var list = string.Join(", ", columns);
        var keys = t.Derived ? ClosureSql.DerivedKeys(t) : $"SELECT {list} FROM {t.KeyTable}";
        await using (var source = await main.BeginRawBinaryCopyAsync($"COPY ({keys}) TO STDOUT (FORMAT binary)", cancellationToken))
        await using (var target = await worker.BeginRawBinaryCopyAsync($"COPY {WorkerKeyTable(t)} ({list}) FROM STDIN (FORMAT binary)", cancellationToken))
        {
            await source.CopyToAsync(target, cancellationToken);
        }
        await Sessions.ExecuteAsync(worker, $"ANALYZE {WorkerKeyTable(t)}", cancellationToken);
    }
}
