using System.Globalization;
using System.Text;

namespace PgSeed.Testing.Reset;

/// <summary>
/// SQL for the change-capture reset, installed into the template after <see cref="SnapshotScript"/>.
/// <list type="bullet">
/// <item>Per keyed table, AFTER ... FOR EACH STATEMENT triggers with transition tables append the keys of
/// inserted rows, of updated rows (before and after) and of deleted rows to <c>keys_&lt;oid&gt;</c>: one
/// INSERT ... SELECT per statement, far cheaper than a row trigger per row, and cascaded FK actions are
/// captured by the child table's own triggers. Keys are enough because the seed copy has the full rows.</item>
/// <item>TRUNCATE, and any write to a table without a key, marks the table for a whole reload.</item>
/// <item>A statement naming a partition fires that partition's statement triggers, not the partitioned table's:
/// every partition gets the same triggers, logging into its partitioned table's key log.</item>
/// <item>An event trigger (superuser only) marks DDL so the fixture re-clones; without it, a catalog
/// fingerprint is compared on every reset.</item>
/// <item><c>pgseed_capture.reset(threshold)</c> does the whole reset server-side in one call: a clean
/// database costs one query over two tiny tables.</item>
/// </list>
/// Bookkeeping tables are UNLOGGED: they are scratch state, and unlogged writes skip WAL.
/// </summary>
internal static class CaptureScript
{
    private static readonly string S = ResetSchema.Quoted;

    /// <summary>Guard so the capture triggers do nothing while a reset runs with FK checks on (replica mode skips them anyway).</summary>
    private const string Guard = "  IF current_setting('pgseed.resetting', true) = 'on' THEN RETURN NULL; END IF;";

    public static string Build(IReadOnlyList<ResetTable> parentsFirst, bool replica, bool eventTrigger)
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"CREATE UNLOGGED TABLE {S}.dirty (relid oid NOT NULL, kind \"char\" NOT NULL);");
        s.AppendLine(CultureInfo.InvariantCulture, $"""
            CREATE FUNCTION {S}.mark_reload() RETURNS trigger LANGUAGE plpgsql AS $pgseed$
            DECLARE marked oid := coalesce(TG_ARGV[0]::oid, TG_RELID); -- on a partition: its partitioned table
            BEGIN
            {Guard}
              IF NOT EXISTS (SELECT 1 FROM {S}.dirty WHERE relid = marked AND kind = 'f') THEN
                INSERT INTO {S}.dirty VALUES (marked, 'f');
              END IF;
              RETURN NULL;
            END
            $pgseed$;
            """);
        foreach (var t in parentsFirst) s.AppendLine(Triggers(t));
        s.AppendLine(ResetFunction(parentsFirst, replica, checkFingerprint: !eventTrigger));
        if (eventTrigger) s.AppendLine(EventTriggers());
        return s.ToString();
    }

    private static string Triggers(ResetTable t)
    {
        var s = new StringBuilder(KeyLogAndFunction(t));
        s.Append(TableTriggers(t, t.Info.Name, reloadArgument: ""));
        // Writes that name a partition fire only the partition's statement triggers.
        foreach (var partition in t.Info.Partitions.Where(p => !p.Foreign))
            s.Append(TableTriggers(t, partition.Name, reloadArgument: Engine.Sql.Identifier.Literal(t.Oid.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        return s.ToString();
    }

    private static string TableTriggers(ResetTable t, Engine.Catalog.TableName table, string reloadArgument)
    {
        var on = table.Sql;
        var truncate = $"CREATE TRIGGER pgseed_capture_truncate AFTER TRUNCATE ON {on} FOR EACH STATEMENT EXECUTE FUNCTION {S}.mark_reload({reloadArgument});\n";
        if (t.Key is null)
            return $"CREATE TRIGGER pgseed_capture_write AFTER INSERT OR UPDATE OR DELETE ON {on} FOR EACH STATEMENT EXECUTE FUNCTION {S}.mark_reload({reloadArgument});\n{truncate}";
        return $"""
            CREATE TRIGGER pgseed_capture_insert AFTER INSERT ON {on} REFERENCING NEW TABLE AS pgseed_new FOR EACH STATEMENT EXECUTE FUNCTION {t.CaptureFunction}();
            CREATE TRIGGER pgseed_capture_update AFTER UPDATE ON {on} REFERENCING OLD TABLE AS pgseed_old NEW TABLE AS pgseed_new FOR EACH STATEMENT EXECUTE FUNCTION {t.CaptureFunction}();
            CREATE TRIGGER pgseed_capture_delete AFTER DELETE ON {on} REFERENCING OLD TABLE AS pgseed_old FOR EACH STATEMENT EXECUTE FUNCTION {t.CaptureFunction}();
            {truncate}
            """;
    }

    /// <summary>The key log of a keyed table and the function its (and its partitions') write triggers call.</summary>
    private static string KeyLogAndFunction(ResetTable t)
    {
        if (t.Key is null) return "";
        var k = t.KeyColumns;
        return $"""
            CREATE UNLOGGED TABLE {t.KeyLog} AS SELECT {k} FROM {t.Target} WITH NO DATA;
            CREATE FUNCTION {t.CaptureFunction}() RETURNS trigger LANGUAGE plpgsql AS $pgseed$
            BEGIN
            {Guard}
              IF TG_OP = 'INSERT' THEN
                INSERT INTO {t.KeyLog} SELECT {k} FROM pgseed_new;
              ELSIF TG_OP = 'UPDATE' THEN
                INSERT INTO {t.KeyLog} SELECT {k} FROM pgseed_old UNION ALL SELECT {k} FROM pgseed_new;
              ELSE
                INSERT INTO {t.KeyLog} SELECT {k} FROM pgseed_old;
              END IF;
              IF NOT EXISTS (SELECT 1 FROM {S}.dirty WHERE relid = {t.Oid}) THEN
                INSERT INTO {S}.dirty VALUES ({t.Oid}, 'w');
              END IF;
              RETURN NULL;
            END
            $pgseed$;

            """;
    }

    /// <summary>
    /// Restores every changed table. Replica mode (FK checks and user triggers off): delete the logged keys,
    /// re-insert those keys from the seed copy. Otherwise, in an order that keeps FKs satisfied where the schema
    /// allows (deferrable FKs are deferred): delete logged rows that are not seed rows (children first), insert
    /// missing seed rows (parents first), update logged seed rows in place. Deleting seed rows is avoided there
    /// because ON DELETE CASCADE would remove rows nobody logged. What no order can satisfy (a cycle of
    /// non-deferrable FKs, values swapped under a non-deferrable unique constraint) fails, and the fixture re-clones.
    /// <para>
    /// The per-table statements live in per-table plpgsql functions (planned once per session), called by name from
    /// <c>pgseed_capture.tables</c> for the dirty tables only, so a reset's work follows what the test changed, not
    /// the schema's size. The fixture keeps its reset session in replica mode where allowed, so the reset's own
    /// <c>SET LOCAL session_replication_role</c> changes nothing and does not flush those cached plans.
    /// </para>
    /// </summary>
    private static string ResetFunction(IReadOnlyList<ResetTable> parentsFirst, bool replica, bool checkFingerprint)
    {
        var rows = new StringBuilder();
        var functions = new StringBuilder();
        for (var i = 0; i < parentsFirst.Count; i++)
        {
            var t = parentsFirst[i];
            string? Call(string kind, string? sql) => sql is null ? null : Wrap(functions, t, kind, sql);
            rows.AppendLine(CultureInfo.InvariantCulture, $"INSERT INTO {S}.tables VALUES ({t.Oid}, {i}, (SELECT count(*) FROM {t.SeedCopy}), {Lit(Call("count_keys", CountKeys(t)))}, " +
                            $"{Lit(Call("delete_keys", Delete(t, replica, all: false)))}, {Lit(Call("delete_all", Delete(t, replica, all: true)))}, " +
                            $"{Lit(Call("insert_keys", Insert(t, replica, all: false)))}, {Lit(Call("insert_all", Insert(t, replica, all: true)))}, " +
                            $"{Lit(Call("update_keys", replica ? null : Update(t, all: false)))}, {Lit(Call("update_all", replica ? null : Update(t, all: true)))}, " +
                            $"{Lit(Call("clear_keys", t.Key is null ? null : $"DELETE FROM {t.KeyLog}"))});");
        }
        var modeSql = replica
            ? "SET LOCAL session_replication_role = replica;"
            : "PERFORM set_config('pgseed.resetting', 'on', true);\n  SET CONSTRAINTS ALL DEFERRED;";
        // A table with too many changed rows is cheaper to reload whole. With FK checks off, the delete of the logged
        // keys tells how many rows changed, so no separate count is needed; otherwise count the log first (the
        // in-place path must know before it starts).
        var thresholdSql = replica ? "" : $$"""
              FOR r IN SELECT t.relid, t.count_keys, t.seed_rows FROM {{S}}.tables t
                       WHERE t.relid = ANY(written) AND NOT t.relid = ANY(reload) AND t.count_keys IS NOT NULL LOOP
                EXECUTE r.count_keys INTO n;
                IF n > threshold * greatest(r.seed_rows, 1) THEN reload := reload || r.relid; END IF;
              END LOOP;

            """;
        var deleteSql = replica
            ? """
                  IF r.relid = ANY(reload) THEN
                    EXECUTE r.delete_all;
                  ELSE
                    EXECUTE r.delete_keys INTO n;
                    IF n > threshold * greatest(r.seed_rows, 1) THEN
                      reload := reload || r.relid;
                      EXECUTE r.delete_all;
                    END IF;
                  END IF;

              """
            : """
                  EXECUTE CASE WHEN r.relid = ANY(reload) THEN r.delete_all ELSE r.delete_keys END;

              """;
        var ddlCheck = checkFingerprint ? $"  IF {SnapshotScript.SchemaChanged} THEN RETURN 'ddl'; END IF;\n" : "";
        return $"""
            {functions}
            CREATE TABLE {S}.tables (
              relid oid PRIMARY KEY, ord int NOT NULL, seed_rows bigint NOT NULL, count_keys text,
              delete_keys text, delete_all text, insert_keys text, insert_all text,
              update_keys text, update_all text, clear_keys text);
            {rows}
            CREATE FUNCTION {S}.reset(threshold float8) RETURNS text LANGUAGE plpgsql AS $pgseed$
            DECLARE
              written oid[];
              reload oid[];
              dirty oid[];
              ddl boolean;
              n bigint;
              r record;
            BEGIN
              SELECT coalesce(array_agg(DISTINCT relid) FILTER (WHERE kind = 'w'), '{"{}"}'),
                     coalesce(array_agg(DISTINCT relid) FILTER (WHERE kind = 'f'), '{"{}"}'),
                     coalesce(bool_or(kind = 'd'), false)
                INTO written, reload, ddl FROM {S}.dirty;
              IF ddl THEN RETURN 'ddl'; END IF;
            {ddlCheck}  IF cardinality(written) = 0 AND cardinality(reload) = 0 THEN
                IF NOT EXISTS (SELECT 1 FROM {S}.sequences s WHERE {SequenceChanged}) THEN RETURN 'clean'; END IF;
                PERFORM pg_catalog.setval(s.seq, s.last_value, s.is_called) FROM {S}.sequences s WHERE {SequenceChanged};
                RETURN 'sequences';
              END IF;

            {thresholdSql}  dirty := written || reload;

              {modeSql}
              -- The key logs are never analysed, so the planner would guess hundreds of keys and hash-join whole
              -- tables; a test changes few rows, so probe the key indexes (whole-table reloads only have seq scans).
              -- Those settings inflate costs, and JIT would then compile every statement: keep it off.
              PERFORM set_config('jit', 'off', true), set_config('enable_seqscan', 'off', true),
                      set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true);

              FOR r IN SELECT * FROM {S}.tables t WHERE t.relid = ANY(dirty) ORDER BY t.ord DESC LOOP
            {deleteSql}  END LOOP;
              FOR r IN SELECT * FROM {S}.tables t WHERE t.relid = ANY(dirty) ORDER BY t.ord LOOP
                EXECUTE CASE WHEN r.relid = ANY(reload) THEN r.insert_all ELSE r.insert_keys END;
              END LOOP;
              -- Updates last: a restored row more often points at a row the test deleted (now re-inserted) than at one whose key it changed.
              FOR r IN SELECT * FROM {S}.tables t WHERE t.relid = ANY(dirty) AND t.update_all IS NOT NULL ORDER BY t.ord LOOP
                EXECUTE CASE WHEN r.relid = ANY(reload) THEN r.update_all ELSE r.update_keys END;
              END LOOP;

              PERFORM pg_catalog.setval(s.seq, s.last_value, s.is_called) FROM {S}.sequences s WHERE {SequenceChanged};
              FOR r IN SELECT t.clear_keys FROM {S}.tables t WHERE t.relid = ANY(dirty) AND t.clear_keys IS NOT NULL LOOP
                EXECUTE r.clear_keys;
              END LOOP;
              DELETE FROM {S}.dirty;
              RETURN 'restored';
            END
            $pgseed$;
            """;
    }

    /// <summary>
    /// Puts one per-table statement into its own plpgsql function and returns the call. plpgsql keeps each
    /// function's plan for the session, so a reset (one long-lived session) plans each statement once instead of
    /// on every EXECUTE; the reset then only plans trivial <c>SELECT f()</c> calls. Returns the affected or
    /// counted rows.
    /// </summary>
    private static string Wrap(StringBuilder functions, ResetTable t, string kind, string sql)
    {
        var name = $"{S}.{Engine.Sql.Identifier.Quote($"r{t.Oid}_{kind}")}";
        var body = sql.StartsWith("SELECT", StringComparison.Ordinal)
            ? $"RETURN ({sql});"
            : $"{sql};\n  GET DIAGNOSTICS n = ROW_COUNT;\n  RETURN n;";
        functions.AppendLine(CultureInfo.InvariantCulture, $"CREATE FUNCTION {name}() RETURNS bigint LANGUAGE plpgsql AS $pgseed$\nDECLARE n bigint;\nBEGIN\n  {body}\nEND\n$pgseed$;");
        return $"SELECT {name}()";
    }

    private static string Lit(string? sql) => sql is null ? "NULL" : Engine.Sql.Identifier.Literal(sql);

    /// <summary>pg_sequence_last_value is NULL until the first nextval, which matches is_called = false.</summary>
    private const string SequenceChanged =
        "pg_catalog.pg_sequence_last_value(s.seq) IS DISTINCT FROM CASE WHEN s.is_called THEN s.last_value END";

    private static string? CountKeys(ResetTable t) => t.Key is null ? null : $"SELECT count(*) FROM {t.KeyLog}";

    private static string Delete(ResetTable t, bool replica, bool all)
    {
        if (t.Key is null) return $"DELETE FROM {t.Target}";
        var logged = $"{t.KeyOf("x")} IN (SELECT {t.KeyColumns} FROM {t.KeyLog})";
        var notSeed = $"NOT EXISTS (SELECT 1 FROM {t.SeedCopy} s WHERE {t.KeyJoin("s", "x")})";
        if (replica) return all ? $"DELETE FROM {t.Target}" : $"DELETE FROM {t.Target} x WHERE {logged}";
        return all ? $"DELETE FROM {t.Target} x WHERE {notSeed}" : $"DELETE FROM {t.Target} x WHERE {logged} AND {notSeed}";
    }

    private static string? Update(ResetTable t, bool all)
    {
        if (t.Key is null || t.UpdatableColumns.Count == 0) return null;
        var set = string.Join(", ", t.UpdatableColumns.Select(c => $"{Engine.Sql.Identifier.Quote(c)} = s.{Engine.Sql.Identifier.Quote(c)}"));
        var update = $"UPDATE {t.Target} x SET {set} FROM {t.SeedCopy} s WHERE {t.KeyJoin("x", "s")}";
        return all ? update : $"{update} AND {t.KeyOf("s")} IN (SELECT {t.KeyColumns} FROM {t.KeyLog})";
    }

    private static string Insert(ResetTable t, bool replica, bool all)
    {
        var insert = $"INSERT INTO {t.Info.Name.Sql} ({t.Columns}){t.Overriding} SELECT {t.ColumnsOf("s")} FROM {t.SeedCopy} s";
        if (t.Key is null) return insert;
        var logged = $"{t.KeyOf("s")} IN (SELECT {t.KeyColumns} FROM {t.KeyLog})";
        var missing = $"NOT EXISTS (SELECT 1 FROM {t.Target} x WHERE {t.KeyJoin("x", "s")})";
        if (replica) return all ? insert : $"{insert} WHERE {logged}";
        return all ? $"{insert} WHERE {missing}" : $"{insert} WHERE {logged} AND {missing}";
    }

    /// <summary>DDL outside temporary objects and PgSeed's own schema marks the database for a re-clone.</summary>
    private static string EventTriggers() => $"""
        CREATE FUNCTION {S}.on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $pgseed$
        BEGIN
          IF EXISTS (SELECT 1 FROM pg_catalog.pg_event_trigger_ddl_commands() c
                     WHERE c.schema_name IS NULL OR (c.schema_name NOT LIKE 'pg\_temp%' AND c.schema_name NOT LIKE 'pgseed\_%')) THEN
            INSERT INTO {S}.dirty VALUES (0, 'd');
          END IF;
        END
        $pgseed$;
        CREATE FUNCTION {S}.on_drop() RETURNS event_trigger LANGUAGE plpgsql AS $pgseed$
        BEGIN
          IF EXISTS (SELECT 1 FROM pg_catalog.pg_event_trigger_dropped_objects() o
                     WHERE NOT o.is_temporary AND coalesce(o.schema_name, '') NOT LIKE 'pgseed\_%') THEN
            INSERT INTO {S}.dirty VALUES (0, 'd');
          END IF;
        END
        $pgseed$;
        CREATE EVENT TRIGGER pgseed_capture_ddl ON ddl_command_end EXECUTE FUNCTION {S}.on_ddl();
        CREATE EVENT TRIGGER pgseed_capture_drop ON sql_drop EXECUTE FUNCTION {S}.on_drop();
        """;
}
