using Npgsql;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Testing.Pool;

/// <summary>
/// Finds other sessions of a database that are inside a transaction (or prepared transactions) when a reset starts. Their
/// uncommitted writes are invisible to the reset, which would report the database clean, and their locks would make the
/// next test's insert wait until a timeout; typically an undisposed DbContext or NpgsqlTransaction. The check is folded
/// into the reset's prepared call (<see cref="Guard"/>), so the common case stays one round trip; the details are only
/// read when it fires.
/// </summary>
internal static class OpenTransactions
{
    /// <summary>True when another client session of the current database has a transaction open, or a prepared one exists.</summary>
    private const string Exists =
        "(EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a WHERE a.datname = pg_catalog.current_database() " +
        "AND a.pid <> pg_catalog.pg_backend_pid() AND a.backend_type = 'client backend' AND a.xact_start IS NOT NULL) " +
        "OR EXISTS (SELECT 1 FROM pg_catalog.pg_prepared_xacts p WHERE p.database = pg_catalog.current_database()))";

    /// <summary>The value the guarded call returns instead of running the reset.</summary>
    public const string Busy = "busy";

    /// <summary><c>SELECT CASE WHEN (open transactions) THEN 'busy' ELSE (call) END</c>: CASE evaluates only the branch it needs.</summary>
    public static string Guard(string callExpression) => $"SELECT CASE WHEN {Exists} THEN '{Busy}' ELSE {callExpression} END";

    /// <summary>
    /// Fails with PGSEED069 when sessions other than <paramref name="connection"/>'s have a transaction open on <paramref name="database"/>
    /// (any connection to the server will do: a re-clone checks from the admin connection before it drops the database).
    /// </summary>
    public static async Task ThrowIfAnyAsync(NpgsqlConnection connection, string database, CancellationToken cancellationToken)
    {
        if (await DescribeAsync(connection, database, cancellationToken).ConfigureAwait(false) is { } error) throw error;
    }

    /// <summary>The PGSEED069 error, naming each session: pid, state, for how long, application name and its last statement.</summary>
    public static async Task<PgSeedException> ErrorAsync(NpgsqlConnection connection, string database, CancellationToken cancellationToken) =>
        await DescribeAsync(connection, database, cancellationToken).ConfigureAwait(false)
        ?? Error(database, ["a session whose transaction ended while PgSeed looked"]);

    private static async Task<PgSeedException?> DescribeAsync(NpgsqlConnection connection, string database, CancellationToken cancellationToken)
    {
        var sessions = new List<string>();
        var cmd = new NpgsqlCommand("""
            SELECT a.pid, a.state, round(extract(epoch FROM now() - a.xact_start) * 1000)::bigint, a.application_name,
                   left(regexp_replace(a.query, '\s+', ' ', 'g'), 120),
                   (SELECT count(*) FROM pg_catalog.pg_locks l WHERE l.pid = a.pid AND l.granted AND l.locktype IN ('relation', 'tuple', 'transactionid'))
            FROM pg_catalog.pg_stat_activity a
            WHERE a.datname = $1 AND a.pid <> pg_catalog.pg_backend_pid()
              AND a.backend_type = 'client backend' AND a.xact_start IS NOT NULL
            UNION ALL
            SELECT NULL, 'prepared transaction ' || p.gid, round(extract(epoch FROM now() - p.prepared) * 1000)::bigint, NULL, NULL, NULL
            FROM pg_catalog.pg_prepared_xacts p WHERE p.database = $1
            ORDER BY 3 DESC
            """, connection);
        await using (cmd.ConfigureAwait(false))
        {
            cmd.Parameters.AddWithValue(database);
            var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var who = reader.IsDBNull(0) ? "" : $"pid {reader.GetInt32(0)}, ";
                    var app = reader.IsDBNull(3) || reader.GetString(3).Length == 0 ? "" : $", application '{reader.GetString(3)}'";
                    var locks = reader.IsDBNull(5) ? "" : $", holding {reader.GetInt64(5)} lock(s)";
                    var query = reader.IsDBNull(4) ? "" : $", last statement: {reader.GetString(4)}";
                    sessions.Add($"{who}{reader.GetString(1)} for {reader.GetInt64(2)} ms{app}{locks}{query}");
                }
            }
        }
        return sessions.Count == 0 ? null : Error(database, sessions);
    }

    private static PgSeedException Error(string database, IEnumerable<string> sessions) =>
        new(ErrorCode.ResetBlocked,
            $"Database {database} cannot be reset: another session still has a transaction open ({string.Join("; ", sessions)}). " +
            "Its uncommitted changes are invisible to the reset, and its locks would make the next test wait. The likely cause is an " +
            "undisposed transaction: an EF Core DbContext.Database.BeginTransaction() (or a DbContext) that was not disposed, an " +
            "NpgsqlTransaction left open, or work still running when the test ended. Dispose it (await using var tx = ...) before " +
            "the test ends.");
}
