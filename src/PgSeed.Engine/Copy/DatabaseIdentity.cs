using Npgsql;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Copy;

/// <summary>
/// Refuses a copy whose source and target are one database: the same database (its oid and name) of the same cluster —
/// the same server process (its start time), or a server and its physical replica (the same system identifier, where
/// the role may read it). Reading it writes nothing and raises no error, so the source's snapshot stays usable.
/// </summary>
internal static class DatabaseIdentity
{
    private sealed record Identity(long Oid, string Name, string Started, string? SystemId);

    public static async Task RefuseSameAsync(NpgsqlConnection source, NpgsqlConnection target, string sourceDescription, string targetDescription,
        CancellationToken cancellationToken)
    {
        var (from, to) = (await ReadAsync(source, cancellationToken).ConfigureAwait(false), await ReadAsync(target, cancellationToken).ConfigureAwait(false));
        var sameCluster = from.Started == to.Started || (from.SystemId is not null && from.SystemId == to.SystemId);
        if (!sameCluster || from.Oid != to.Oid || from.Name != to.Name) return;
        throw new PgSeedException(ErrorCode.CopySameDatabase,
            $"{OptionNames.CopySource} ({sourceDescription}) and {OptionNames.CopyTarget} ({targetDescription}) are the same database " +
            $"{to.Name}{(from.Started == to.Started ? "" : " (a server and its replica)")}: copying it onto itself would collide with or wipe its own rows. " +
            $"Nothing was read or written. Point {OptionNames.CopyTarget} at another database (create it from the same schema first).");
    }

    private static async Task<Identity> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // pg_control_system() may be revoked from the role: only called when allowed (an error would abort the snapshot).
        const string sql = """
            SELECT d.oid::bigint, d.datname::text, pg_catalog.pg_postmaster_start_time()::text,
                   CASE WHEN pg_catalog.has_function_privilege('pg_catalog.pg_control_system()', 'EXECUTE')
                        THEN (SELECT system_identifier::text FROM pg_catalog.pg_control_system()) END
            FROM pg_catalog.pg_database d WHERE d.datname = current_database()
            """;
        var cmd = new NpgsqlCommand(sql, connection);
        await using var cmdScope = cmd.ConfigureAwait(false);
        var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var rScope = r.ConfigureAwait(false);
        await r.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new Identity(r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3));
    }
}
