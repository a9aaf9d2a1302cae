using Npgsql;
using PgSeed.Engine.Catalog;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Import;

/// <summary>
/// A user trigger that would fire on the upsert's UPDATE of a seed table (declared on the table or on one of its
/// partitions), with its enabled state so it is put back exactly as it was.
/// </summary>
internal sealed record UserTrigger(TableName On, string Name, char State)
{
    /// <summary>ONLY: the trigger of this relation, not its clones on partitions (each is listed on its own).</summary>
    public string DisableSql => $"ALTER TABLE ONLY {On.Sql} DISABLE TRIGGER {Identifier.Quote(Name)}";

    public string EnableSql => $"ALTER TABLE ONLY {On.Sql} ENABLE {State switch { 'A' => "ALWAYS ", 'R' => "REPLICA ", _ => "" }}TRIGGER {Identifier.Quote(Name)}";

    public string Display => $"{On.Display}.{Identifier.QuoteIfNeeded(Name)}";
}

/// <summary>
/// The upsert's UPDATE puts the seed's values back; it is not an application change. A user trigger firing on it
/// (typically <c>BEFORE UPDATE ... SET last_update = now()</c>) would overwrite the seed's values, and every rerun
/// would write new ones, so the upsert would never converge. Those triggers are disabled around that one statement,
/// inside the import's transaction (a failure restores them with everything else). Inserts fire triggers as in
/// every mode. FK checks are internal triggers and are never touched. Disabling a trigger needs the table's owner:
/// triggers of tables the role does not own keep firing, with a warning (PGSEED053).
/// </summary>
internal static class UserTriggers
{
    public static async Task<IReadOnlyList<TablePlan>> SilenceForUpsertAsync(NpgsqlConnection connection, IReadOnlyList<TablePlan> tables,
        TargetPrivileges privileges, bool replica, ISeedLog log, CancellationToken cancellationToken)
    {
        var updated = tables.Where(t => t.ConflictKey is not null && t.UpdatedColumns.Count > 0).ToList();
        if (updated.Count == 0) return tables;
        var relations = updated.SelectMany(t => t.Target.Partitions.Select(p => (p.Oid, Table: t.Target.Name)).Prepend((Oid: t.Target.Oid, Table: t.Target.Name)))
            .ToDictionary(r => r.Oid, r => r.Table);

        var found = new List<(TableName Table, UserTrigger Trigger)>();
        {
            var cmd = new NpgsqlCommand(UpdateTriggersSql, connection);
            await using var cmdScope = cmd.ConfigureAwait(false);
            cmd.Parameters.Add(new NpgsqlParameter("oids", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Oid) { Value = relations.Keys.ToArray() });
            // What fires in this session: 'O'rigin triggers normally, 'R'eplica ones under session_replication_role = replica, 'A'lways both.
            cmd.Parameters.AddWithValue("firing", replica ? "RA" : "OA");
            var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var rScope = r.ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                found.Add((relations[r.GetFieldValue<uint>(0)], new UserTrigger(new TableName(r.GetString(1), r.GetString(2)), r.GetString(3), r.GetChar(4))));
        }

        var notOwned = found.Where(f => !privileges.OwnedTables.Contains(f.Trigger.On)).Select(f => f.Trigger).ToList();
        if (notOwned.Count > 0)
            log.Warning(ErrorCode.UpsertTriggersFire,
                $"Role {privileges.Role} does not own the tables of these update triggers, so they fire on the upsert's update and may change the seed's values: " +
                string.Join(", ", notOwned.Select(t => t.Display)) + ". Import as the tables' owner to keep the seed's values exactly.");
        return tables.Select(t => t with
        {
            SilencedTriggers = found.Where(f => f.Table == t.Target.Name && privileges.OwnedTables.Contains(f.Trigger.On)).Select(f => f.Trigger).ToList(),
        }).ToList();
    }

    // tgtype bit 16: fires on UPDATE. Internal triggers implement constraints (tgconstraint set), except, before
    // PostgreSQL 15, the clones of a partitioned table's triggers on its partitions, which are user triggers too.
    // PgSeed's own triggers (functions in pgseed_* schemas, e.g. a fixture's change capture) keep firing.
    private const string UpdateTriggersSql = """
        SELECT t.tgrelid, n.nspname, c.relname, t.tgname, t.tgenabled
        FROM pg_catalog.pg_trigger t
        JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid
        JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace
        WHERE t.tgrelid = ANY(@oids) AND (NOT t.tgisinternal OR t.tgconstraint = 0) AND (t.tgtype & 16) <> 0
          AND strpos(@firing, t.tgenabled::text) > 0
          AND pn.nspname NOT LIKE 'pgseed\_%'
        ORDER BY n.nspname, c.relname, t.tgname
        """;
}
