using Npgsql;
using PgSeed.Engine.Catalog;

namespace PgSeed.Engine.Import;

/// <summary>
/// What the importing role may do in the target, beyond what <see cref="CatalogReader"/> tells:
/// which tables it owns (so it may drop and re-add their FKs) and whether it may turn triggers off.
/// </summary>
internal sealed record TargetPrivileges(IReadOnlySet<TableName> OwnedTables, bool CanDisableTriggers, string Role)
{
    public static async Task<TargetPrivileges> ReadAsync(NpgsqlConnection connection, DatabaseCatalog catalog, CancellationToken cancellationToken)
    {
        var owned = new HashSet<TableName>();
        // pg_has_role(..., 'USAGE'): owner or a member inheriting the owner's rights (what ALTER TABLE checks);
        // true for superusers.
        const string ownedSql = """
            SELECT n.nspname, c.relname
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND pg_catalog.pg_has_role(current_user, c.relowner, 'USAGE')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            """;
        {
            var cmd = new NpgsqlCommand(ownedSql, connection);
            await using var cmdScope = cmd.ConfigureAwait(false);
            var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var rScope = r.ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                owned.Add(new TableName(r.GetString(0), r.GetString(1)));
        }

        // session_replication_role is superuser-only, unless granted (PostgreSQL 15+: GRANT SET ON PARAMETER).
        var replicaSql = catalog.ServerMajorVersion >= 15
            ? "SELECT pg_catalog.has_parameter_privilege('session_replication_role', 'SET'), current_user::text"
            : "SELECT rolsuper, current_user::text FROM pg_catalog.pg_roles WHERE rolname = current_user";
        bool canReplica;
        string role;
        {
            var cmd = new NpgsqlCommand(replicaSql, connection);
            await using var cmdScope = cmd.ConfigureAwait(false);
            var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var rScope = r.ConfigureAwait(false);
            await r.ReadAsync(cancellationToken).ConfigureAwait(false);
            canReplica = r.GetBoolean(0);
            role = r.GetString(1);
        }
        return new TargetPrivileges(owned, canReplica, role);
    }

    /// <summary>Increment of each sequence (quoted name as in <see cref="ColumnInfo.Sequence"/>).</summary>
    public static async Task<IReadOnlyDictionary<string, long>> ReadSequenceIncrementsAsync(NpgsqlConnection connection,
        IReadOnlyCollection<string> sequences, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, long>();
        if (sequences.Count == 0) return result;
        const string sql = """
            SELECT n.name, s.seqincrement
            FROM unnest(@names::text[]) n(name)
            JOIN pg_catalog.pg_sequence s ON s.seqrelid = pg_catalog.to_regclass(n.name)
            """;
        var cmd = new NpgsqlCommand(sql, connection);
        await using var cmdScope = cmd.ConfigureAwait(false);
        cmd.Parameters.AddWithValue("names", sequences.ToArray());
        var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var rScope = r.ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false)) result[r.GetString(0)] = r.GetInt64(1);
        return result;
    }
}
