using System.Globalization;
using Npgsql;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Export;

/// <summary>
/// The extra connections of a parallel export (<c>--parallel N</c>). They are opened while the main connection
/// computes the subset, so connecting costs the export nothing: each one gets the export's session settings and
/// a REPEATABLE READ transaction on the main transaction's snapshot (<c>SET TRANSACTION SNAPSHOT</c>).
/// </summary>
internal sealed class CopyWorkers : IAsyncDisposable
{
    private readonly List<NpgsqlConnection> _connections = new();
    private readonly List<ServerCancellation> _registrations = new();

    /// <summary>No workers (a serial export).</summary>
    public static CopyWorkers None => new();

    public IReadOnlyList<NpgsqlConnection> Connections => _connections;

    /// <summary>
    /// How many workers are worth opening: one fewer than --parallel, no more than the tables a worker can take
    /// (the server closure's whole-row tables stay on the main connection), keeping a connection spare for cancellation.
    /// </summary>
    /// <param name="worksOnWorker">Whether a worker can take the table (the closure store knows where its row set is).</param>
    /// <param name="main">The connection holding the snapshot.</param>
    /// <param name="request">The export (its <see cref="ExportRequest.Parallel"/>).</param>
    /// <param name="plan">The planned tables.</param>
    /// <param name="cancellationToken">Cancels the work (and its server queries).</param>
    public static async Task<int> CountAsync(NpgsqlConnection main, ExportRequest request, SubsetPlan plan, Func<PlannedTable, bool> worksOnWorker,
        CancellationToken cancellationToken)
    {
        var wanted = Math.Min(request.Parallel - 1, plan.Tables.Count(worksOnWorker));
        if (wanted <= 0) return 0;
        var cmd = new NpgsqlCommand("""
            SELECT current_setting('max_connections')::int
                 - current_setting('superuser_reserved_connections')::int
                 - (SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE backend_type = 'client backend')::int
                 - 1
            """, main);
        await using var cmdScope = cmd.ConfigureAwait(false);
        return Math.Min(wanted, Math.Max(0, Convert.ToInt32(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture)));
    }

    /// <summary>Opens up to <paramref name="count"/> workers; one that cannot connect is a warning, and the export goes on with fewer.</summary>
    public static async Task<CopyWorkers> OpenAsync(ExportRequest request, string snapshot, int count, ISeedLog log, CancellationToken cancellationToken)
    {
        var workers = new CopyWorkers();
        var sessions = request.SessionSource;
        try
        {
            for (var i = 0; i < count; i++)
            {
                try
                {
                    var worker = await sessions.OpenAsync(cancellationToken).ConfigureAwait(false);
                    workers._connections.Add(worker);
                    workers._registrations.Add(ServerCancellation.Register(worker, cancellationToken));
                    await Sessions.ExecuteAsync(worker, Sessions.ExportSettings, cancellationToken).ConfigureAwait(false);
                    if (Shaping.MaskSql.SaltSettings(request.Rules.SelectMany(r => r.Masks.Values)) is { } salts) await Sessions.ExecuteAsync(worker, salts, cancellationToken).ConfigureAwait(false); // never logged
                    await Sessions.ExecuteAsync(worker,
                        $"BEGIN ISOLATION LEVEL REPEATABLE READ; SET TRANSACTION SNAPSHOT {Identifier.Literal(snapshot)}", cancellationToken).ConfigureAwait(false);
                }
                catch (PgSeedException e) when (e.Code == ErrorCode.ConnectionFailed)
                {
                    log.Warning(ErrorCode.ConnectionFailed, $"could not open parallel connection {i + 2}; continuing with {workers._connections.Count + 1}");
                    break;
                }
            }
            return workers;
        }
        catch
        {
            await workers.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var r in _registrations) await r.DisposeAsync().ConfigureAwait(false);
        foreach (var c in _connections) await c.DisposeAsync().ConfigureAwait(false);
        _registrations.Clear();
        _connections.Clear();
    }
}
