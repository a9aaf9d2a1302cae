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
/// snapshot) the tables are spread over the connections, largest first, each to the least loaded one; tables whose
/// row set only the main session can read stay there. A worker first gets what its tables need from the closure
/// store (the server store: their keys, see <see cref="ClosureStore.PrepareWorkerAsync"/>).
/// </summary>
internal static class CopyPhase
{
    public static async Task<Dictionary<TableName, CopyResult>> RunAsync(NpgsqlConnection main, IReadOnlyList<NpgsqlConnection> workers,
        SubsetPlan plan, ClosureStore store, IReadOnlyDictionary<TableName, long> sizes, IReadOnlyDictionary<TableName, string> files, SeedFolderWriter folder,
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
            var target = store.StaysOnMain(job) ? 0 : Array.IndexOf(load, load.Min());
            queues[target].Add(job);
            load[target] += Math.Max(1, sizes[job.Name]) * Math.Max(1, job.ExportColumns.Count);
        }

        for (var w = 1; w < connections.Count; w++)
            await store.PrepareWorkerAsync(connections[w], queues[w], cancellationToken).ConfigureAwait(false);
        if (connections.Count > 1) log.Detail($"copying with {connections.Count} connections sharing one snapshot");

        var sortInstead = await KeyOrderScans.SortInsteadAsync(main, plan.Tables, cancellationToken).ConfigureAwait(false);
        var progress = SeedProgress.For(log);
        progress.TablesStarting(jobs.Select(t => new TableProgressInfo(t.Name.Display, sizes[t.Name], 0)).ToList());
        var results = new Dictionary<TableName, CopyResult>();
        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tasks = connections.Select((c, i) => FailFastAsync(RunQueueAsync(c, i == 0, queues[i]))).ToList();
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch
        {
            failFast.Cancel();
            // Prefer the first real error over the cancellations it caused.
            var first = tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!).FirstOrDefault(e => e is not OperationCanceledException);
            if (first is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
            throw;
        }

        foreach (var w in workers) await Sessions.ExecuteAsync(w, "COMMIT", cancellationToken).ConfigureAwait(false);
        return results;

        // The first connection that fails stops the others at once (their COPYs are cancelled on the server), rather
        // than after they have copied the rest of their queues.
        async Task FailFastAsync(Task queue)
        {
            try
            {
                await queue.ConfigureAwait(false);
            }
            catch
            {
                await failFast.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }

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
                var sql = store.CopyOut(t, onWorker: !isMain, sizes);
                log.Sql(SqlArrays.Abbreviate(sql));
                var watch = Stopwatch.StartNew();
                (long Rows, long Bytes, string Sha256) r;
                try
                {
                    var name = t.Name.Display;
                    r = await TableCopier.CopyToFileAsync(connection, sql, folder.PathFor(files[t.Name]), failFast.Token,
                        (rows, bytes) => progress.TableProgress(name, rows, bytes)).ConfigureAwait(false);
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
}
