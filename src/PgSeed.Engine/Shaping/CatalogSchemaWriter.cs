using System.Globalization;
using System.Text;
using Npgsql;

namespace PgSeed.Engine.Shaping;

/// <summary>
/// Writes the tables' DDL from the server's own catalog when no pg_dump can dump the server (pg_dump refuses servers
/// newer than itself): what a seed needs to be imported — tables with their columns, types, defaults, identity and
/// generated columns (stored, and PostgreSQL 18's virtual ones), partitions, sequences, primary, unique, check and
/// exclusion constraints, indexes, triggers and FKs — in pg_dump's layout (object headers included, so
/// <c>pgseed diff</c> compares it object by object). The server renders every expression and definition itself
/// (<c>pg_get_expr</c>, <c>pg_get_constraintdef</c>, <c>pg_get_indexdef</c>, <c>pg_get_triggerdef</c>), so the text is
/// valid for the server that wrote it, whatever its major. Reads in the export's transaction (its snapshot), with
/// <c>search_path = pg_catalog</c> so every name is qualified. Leaves out what pg_dump would add beyond that: comments,
/// row-level security policies, rules, storage parameters, statistics objects, replication settings.
/// </summary>
internal static class CatalogSchemaWriter
{
    /// <summary>The body of a schema.sql (what pg_dump would print) for these tables (partitions included) and sequences.</summary>
    public static async Task<string> WriteAsync(NpgsqlConnection connection, IReadOnlyList<uint> tableOids, IReadOnlyList<string> sequences,
        CancellationToken cancellationToken)
    {
        await ExecAsync(connection, "SET LOCAL search_path = pg_catalog", cancellationToken).ConfigureAwait(false);
        var rels = tableOids.Select(o => (long)o).ToArray();
        var tables = await ReadAsync(connection, TablesSql, rels, sequences, cancellationToken).ConfigureAwait(false);
        var columns = await ReadAsync(connection, ColumnsSql, rels, sequences, cancellationToken).ConfigureAwait(false);
        var constraints = await ReadAsync(connection, ConstraintsSql, rels, sequences, cancellationToken).ConfigureAwait(false);
        var indexes = await ReadAsync(connection, IndexesSql, rels, sequences, cancellationToken).ConfigureAwait(false);
        var triggers = await ReadAsync(connection, TriggersSql, rels, sequences, cancellationToken).ConfigureAwait(false);
        var sequenceRows = await ReadAsync(connection, SequencesSql, rels, sequences, cancellationToken).ConfigureAwait(false);
        await ExecAsync(connection, "RESET search_path", cancellationToken).ConfigureAwait(false);

        var sb = new StringBuilder();
        sb.Append("SET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\n")
          .Append("SELECT pg_catalog.set_config('search_path', '', false);\nSET check_function_bodies = false;\nSET client_min_messages = warning;\n");

        // Sequences first: defaults call nextval() on them.
        foreach (var s in sequenceRows)
            Object(sb, s["name"], "SEQUENCE", s["schema"], $"CREATE SEQUENCE {s["qname"]}{s["options"]};");

        // Tables before their partitions (PARTITION OF copies the parent's columns, constraints and defaults).
        var byOid = tables.ToDictionary(t => t["oid"]);
        var written = new HashSet<string>();
        var pending = tables.ToList();
        while (pending.Count > 0)
        {
            var ready = pending.Where(t => t["parent_oid"].Length == 0 || written.Contains(t["parent_oid"]) || !byOid.ContainsKey(t["parent_oid"])).ToList();
            if (ready.Count == 0) ready = pending; // cannot happen (partition trees have no cycles); never loop forever
            foreach (var t in ready)
            {
                WriteTable(sb, t, columns.Where(c => c["oid"] == t["oid"]).ToList());
                foreach (var c in constraints.Where(c => c["oid"] == t["oid"] && c["contype"] == "c" && (t["parent_oid"].Length == 0 || c["inherited"] == "false")))
                    Object(sb, $"{t["name"]} {c["name"]}", "CONSTRAINT", t["schema"], AddConstraint(t, c));
                written.Add(t["oid"]);
            }
            pending = pending.Except(ready).ToList();
        }
        foreach (var s in sequenceRows.Where(s => s["owned_by"].Length > 0))
            Object(sb, s["name"], "SEQUENCE OWNED BY", s["schema"], $"ALTER SEQUENCE {s["qname"]} OWNED BY {s["owned_by"]};");

        // Keys and exclusion constraints of each table (on a partitioned table they cascade to its partitions), then
        // the other indexes, triggers and, last, FKs (they need the keys they reference).
        foreach (var c in constraints.Where(c => c["contype"] is "p" or "u" or "x"))
        {
            var t = byOid[c["oid"]];
            Object(sb, $"{t["name"]} {c["name"]}", "CONSTRAINT", t["schema"], AddConstraint(t, c));
        }
        foreach (var i in indexes)
            Object(sb, i["name"], "INDEX", i["schema"], i["definition"] + ";");
        foreach (var tr in triggers)
        {
            var t = byOid[tr["oid"]];
            var ddl = tr["definition"] + ";" + tr["enabled"] switch
            {
                "D" => $"\nALTER TABLE {t["qname"]} DISABLE TRIGGER {tr["qname"]};",
                "R" => $"\nALTER TABLE {t["qname"]} ENABLE REPLICA TRIGGER {tr["qname"]};",
                "A" => $"\nALTER TABLE {t["qname"]} ENABLE ALWAYS TRIGGER {tr["qname"]};",
                _ => "",
            };
            Object(sb, $"{t["name"]} {tr["name"]}", "TRIGGER", t["schema"], ddl);
        }
        foreach (var c in constraints.Where(c => c["contype"] == "f"))
        {
            var t = byOid[c["oid"]];
            Object(sb, $"{t["name"]} {c["name"]}", "FK CONSTRAINT", t["schema"], AddConstraint(t, c));
        }
        return sb.ToString();
    }

    private static void WriteTable(StringBuilder sb, Dictionary<string, string> t, List<Dictionary<string, string>> columns)
    {
        var unlogged = t["persistence"] == "u" ? "UNLOGGED " : "";
        string ddl;
        if (t["parent_oid"].Length > 0)
        {
            // A partition: its columns, NOT NULLs, inherited checks, defaults, identity and generation come from the parent.
            ddl = $"CREATE {unlogged}TABLE {t["qname"]} PARTITION OF {t["parent_qname"]}\n{t["bound"]}";
        }
        else
        {
            var lines = columns.Select(c =>
            {
                var line = new StringBuilder($"    {c["qname"]} {c["type"]}");
                if (c["collation"].Length > 0) line.Append(" COLLATE ").Append(c["collation"]);
                if (c["generated"] == "s") line.Append(CultureInfo.InvariantCulture, $" GENERATED ALWAYS AS ({c["expression"]}) STORED");
                else if (c["generated"] == "v") line.Append(CultureInfo.InvariantCulture, $" GENERATED ALWAYS AS ({c["expression"]}) VIRTUAL");
                else if (c["expression"].Length > 0) line.Append(" DEFAULT ").Append(c["expression"]);
                if (c["identity"].Length > 0) line.Append(c["identity"]);
                if (c["not_null"] == "true") line.Append(" NOT NULL");
                return line.ToString();
            });
            ddl = $"CREATE {unlogged}TABLE {t["qname"]} (\n{string.Join(",\n", lines)}\n)";
        }
        if (t["partition_key"].Length > 0) ddl += $"\nPARTITION BY {t["partition_key"]}";
        Object(sb, t["name"], "TABLE", t["schema"], ddl + ";");
    }

    /// <summary><c>ALTER TABLE</c> adding a constraint: <c>ONLY</c> on plain tables as pg_dump writes it; a partitioned table's cascades to its partitions.</summary>
    private static string AddConstraint(Dictionary<string, string> table, Dictionary<string, string> constraint) =>
        $"ALTER TABLE {(table["partitioned"] == "true" ? "" : "ONLY ")}{table["qname"]}\n    ADD CONSTRAINT {constraint["qname"]} {constraint["definition"]};";

    private static void Object(StringBuilder sb, string name, string type, string schema, string ddl) =>
        sb.Append(CultureInfo.InvariantCulture, $"\n--\n-- Name: {OneLine(name)}; Type: {type}; Schema: {OneLine(schema)}; Owner: -\n--\n\n{ddl}\n\n");

    /// <summary>A name in a comment line: a line break in an identifier would end the comment and start a statement (pg_dump does the same).</summary>
    private static string OneLine(string name) => name.Replace('\r', ' ').Replace('\n', ' ');

    private const string TablesSql = """
        SELECT c.oid::text AS oid, n.nspname::text AS schema, c.relname::text AS name,
               quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS qname, c.relpersistence::text AS persistence,
               (c.relkind = 'p')::text AS partitioned,
               CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) ELSE '' END AS partition_key,
               CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) ELSE '' END AS bound,
               coalesce(p.oid::text, '') AS parent_oid,
               coalesce(quote_ident(pn.nspname) || '.' || quote_ident(p.relname), '') AS parent_qname
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_inherits i ON c.relispartition AND i.inhrelid = c.oid
        LEFT JOIN pg_class p ON p.oid = i.inhparent
        LEFT JOIN pg_namespace pn ON pn.oid = p.relnamespace
        WHERE c.oid = ANY(@rels::oid[])
        ORDER BY n.nspname, c.relname
        """;

    // Identity columns name their sequence and its options; the sequence's type follows the column's.
    private const string ColumnsSql = """
        SELECT a.attrelid::text AS oid, quote_ident(a.attname) AS qname, format_type(a.atttypid, a.atttypmod) AS type,
               coalesce(pg_get_expr(d.adbin, d.adrelid), '') AS expression, a.attgenerated::text AS generated,
               a.attnotnull::text AS not_null,
               CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation
                    THEN (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname) FROM pg_collation co
                          JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation)
                    ELSE '' END AS collation,
               CASE WHEN a.attidentity::text IN ('a', 'd') THEN coalesce((
                   SELECT format(' GENERATED %s AS IDENTITY (SEQUENCE NAME %s START WITH %s INCREMENT BY %s MINVALUE %s MAXVALUE %s CACHE %s%s)',
                                 CASE a.attidentity WHEN 'a' THEN 'ALWAYS' ELSE 'BY DEFAULT' END,
                                 quote_ident(sn.nspname) || '.' || quote_ident(s.relname), q.seqstart, q.seqincrement, q.seqmin, q.seqmax,
                                 q.seqcache, CASE WHEN q.seqcycle THEN ' CYCLE' ELSE '' END)
                   FROM pg_depend dep
                   JOIN pg_class s ON s.oid = dep.objid AND s.relkind = 'S'
                   JOIN pg_namespace sn ON sn.oid = s.relnamespace
                   JOIN pg_sequence q ON q.seqrelid = s.oid
                   WHERE dep.classid = 'pg_class'::regclass AND dep.refclassid = 'pg_class'::regclass
                     AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum AND dep.deptype = 'i'
                   LIMIT 1), ' GENERATED ' || CASE a.attidentity WHEN 'a' THEN 'ALWAYS' ELSE 'BY DEFAULT' END || ' AS IDENTITY')
                    ELSE '' END AS identity
        FROM pg_attribute a
        JOIN pg_type t ON t.oid = a.atttypid
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = ANY(@rels::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attrelid, a.attnum
        """;

    // Constraints a table declares itself: those cloned from a partitioned parent (conparentid) come with it. NOT NULL
    // constraints (PostgreSQL 18 catalogs them, contype 'n') are the columns' NOT NULL.
    private const string ConstraintsSql = """
        SELECT c.conrelid::text AS oid, c.conname::text AS name, quote_ident(c.conname) AS qname, c.contype::text AS contype,
               pg_get_constraintdef(c.oid) AS definition, (c.coninhcount > 0)::text AS inherited
        FROM pg_constraint c
        WHERE c.conrelid = ANY(@rels::oid[]) AND c.contype IN ('c', 'p', 'u', 'x', 'f') AND c.conparentid = 0
        ORDER BY (SELECT n.nspname FROM pg_class r JOIN pg_namespace n ON n.oid = r.relnamespace WHERE r.oid = c.conrelid),
                 (SELECT r.relname FROM pg_class r WHERE r.oid = c.conrelid), c.conname
        """;

    // Indexes that back no constraint and were not created by a partitioned parent's index; one on a partitioned
    // table is created on its partitions too (pg_get_indexdef's ON ONLY would leave it invalid).
    private const string IndexesSql = """
        SELECT ic.relname::text AS name, n.nspname::text AS schema,
               regexp_replace(pg_get_indexdef(i.indexrelid), ' ON ONLY ', ' ON ') AS definition
        FROM pg_index i
        JOIN pg_class ic ON ic.oid = i.indexrelid
        JOIN pg_namespace n ON n.oid = ic.relnamespace
        JOIN pg_class r ON r.oid = i.indrelid
        WHERE i.indrelid = ANY(@rels::oid[])
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x'))
          AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)
        ORDER BY n.nspname, r.relname, ic.relname
        """;

    // User triggers; the clones a partitioned table's trigger puts on its partitions are left to it.
    private const string TriggersSql = """
        SELECT t.tgrelid::text AS oid, t.tgname::text AS name, quote_ident(t.tgname) AS qname,
               pg_get_triggerdef(t.oid) AS definition, t.tgenabled::text AS enabled
        FROM pg_trigger t
        JOIN pg_class r ON r.oid = t.tgrelid
        JOIN pg_namespace n ON n.oid = r.relnamespace
        WHERE t.tgrelid = ANY(@rels::oid[]) AND NOT t.tgisinternal AND t.tgparentid = 0
        ORDER BY n.nspname, r.relname, t.tgname
        """;

    private const string SequencesSql = """
        SELECT s.relname::text AS name, n.nspname::text AS schema, quote_ident(n.nspname) || '.' || quote_ident(s.relname) AS qname,
               CASE WHEN q.seqtypid <> 'bigint'::regtype THEN E'\n    AS ' || format_type(q.seqtypid, NULL) ELSE '' END
                 || format(E'\n    START WITH %s\n    INCREMENT BY %s\n    MINVALUE %s\n    MAXVALUE %s\n    CACHE %s', q.seqstart, q.seqincrement, q.seqmin, q.seqmax, q.seqcache)
                 || CASE WHEN q.seqcycle THEN E'\n    CYCLE' ELSE '' END AS options,
               coalesce((SELECT quote_ident(tn.nspname) || '.' || quote_ident(t.relname) || '.' || quote_ident(a.attname)
                         FROM pg_depend d
                         JOIN pg_class t ON t.oid = d.refobjid
                         JOIN pg_namespace tn ON tn.oid = t.relnamespace
                         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
                         WHERE d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.refclassid = 'pg_class'::regclass
                           AND d.deptype = 'a' AND t.oid = ANY(@rels::oid[])
                         LIMIT 1), '') AS owned_by
        FROM unnest(@sequences::text[]) x(name)
        JOIN pg_class s ON s.oid = to_regclass(x.name)
        JOIN pg_namespace n ON n.oid = s.relnamespace
        JOIN pg_sequence q ON q.seqrelid = s.oid
        ORDER BY n.nspname, s.relname
        """;

    private static async Task<List<Dictionary<string, string>>> ReadAsync(NpgsqlConnection connection, string sql, long[] rels,
        IReadOnlyList<string> sequences, CancellationToken cancellationToken)
    {
        var cmd = new NpgsqlCommand(sql, connection);
        await using var cmdScope = cmd.ConfigureAwait(false);
        if (sql.Contains("@rels", StringComparison.Ordinal)) cmd.Parameters.AddWithValue("rels", rels);
        if (sql.Contains("@sequences", StringComparison.Ordinal)) cmd.Parameters.AddWithValue("sequences", sequences.ToArray());
        var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        var rows = new List<Dictionary<string, string>>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
                row[reader.GetName(i)] = reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)!;
            rows.Add(row);
        }
        return rows;
    }

    private static async Task ExecAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        var cmd = new NpgsqlCommand(sql, connection);
        await using var cmdScope = cmd.ConfigureAwait(false);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
