using System.Globalization;
using System.Runtime.CompilerServices;
using Npgsql;
using PgSeed.Testing.Templates;

namespace PgSeed.Testing.Servers;

/// <summary>
/// Marks which test process owns PgSeed's databases on a server that outlives the process (an existing server, a reused
/// container), so the next run can drop what a killed process left behind. Each process holds, on one session per
/// server for its whole life, an advisory lock keyed by its random token; its databases carry the token in their names
/// (<see cref="DatabaseNames"/>). A database whose token's lock nobody holds belongs to a process that is gone. Locks end
/// with their session, so this works across machines sharing a server, where process ids mean nothing.
/// Kept databases (<c>_failed</c>, PGSEED_KEEP_FAILED) are never dropped.
/// </summary>
internal static class ServerOwnership
{
    /// <summary>First key of PgSeed's two-key advisory locks ("PGSD"); the second is the process token.</summary>
    private const int LockClass = 0x50475344;

    private static readonly ConditionalWeakTable<IPostgresServer, Task> Claimed = new();

    /// <summary>Claims the server for this process (once per server object) and drops abandoned databases. Best effort.</summary>
    public static Task ClaimAsync(IPostgresServer server, Action<string> log)
    {
        if (server is LocalPostgresServer) return Task.CompletedTask; // reaped whole with its cluster
        lock (Claimed) return Claimed.GetValue(server, s => ClaimAndReapAsync(s, log));
    }

    private static async Task ClaimAndReapAsync(IPostgresServer server, Action<string> log)
    {
        try
        {
            // Never closed: the session holds the lock until the process ends. Unpooled, so nobody else reuses it.
            var holder = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Pooling = false, Enlist = false }.ConnectionString);
            await holder.OpenAsync().ConfigureAwait(false);
            // try: another server object of this process may already hold it on another session, which is just as good.
            await ScalarAsync(holder, $"SELECT pg_catalog.pg_try_advisory_lock({LockClass}, {DatabaseNames.ProcessKey})").ConfigureAwait(false);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => holder.Dispose();

            var names = new List<string>();
            using (var cmd = new NpgsqlCommand(@"SELECT datname FROM pg_catalog.pg_database WHERE datname LIKE 'pgseed\_%'", holder))
            {
                var r = await cmd.ExecuteReaderAsync().ConfigureAwait(false);
                await using (r.ConfigureAwait(false))
                    while (await r.ReadAsync().ConfigureAwait(false)) names.Add(r.GetString(0));
            }
            foreach (var owner in names.Select(n => (Name: n, Token: DatabaseNames.OwnerToken(n))).Where(x => x.Token is not null && x.Token != DatabaseNames.ProcessToken)
                         .GroupBy(x => x.Token!))
            {
                var key = int.Parse(owner.Key, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (!(bool)(await ScalarAsync(holder, $"SELECT pg_catalog.pg_try_advisory_lock({LockClass}, {key})").ConfigureAwait(false))!) continue; // alive
                try
                {
                    foreach (var (name, _) in owner)
                    {
                        await server.DropDatabaseAsync(name).ConfigureAwait(false);
                        log($"PgSeed: dropped {name}, left behind by a test process that is gone.");
                    }
                }
                finally
                {
                    await ScalarAsync(holder, $"SELECT pg_catalog.pg_advisory_unlock({LockClass}, {key})").ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // Housekeeping only: a role that may not drop others' databases, or a server that went away, must not stop the tests.
            log($"PgSeed: could not check the server for databases of ended test processes: {Engine.Connection.ConnectionResolver.Redact(e.Message)}");
        }
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, connection);
        return await cmd.ExecuteScalarAsync().ConfigureAwait(false);
    }
}
