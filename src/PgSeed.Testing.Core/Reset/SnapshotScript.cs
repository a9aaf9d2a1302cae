using System.Globalization;
using System.Text;

namespace PgSeed.Testing.Reset;

/// <summary>
/// SQL that keeps the seeded state inside the database, written once into the template (so every clone has
/// it): a fingerprint of the user schema, a copy of each table (<c>pgseed_capture.seed_&lt;oid&gt;</c>, keyed like the table), every sequence's
/// (last_value, is_called), and <c>pgseed_capture.reload_all()</c> for the truncate-and-reload strategy.
/// </summary>
internal static class SnapshotScript
{
    public static string Build(IReadOnlyList<ResetTable> parentsFirst, bool replica)
    {
        var s = Schema(parentsFirst);
        s.AppendLine(FingerprintFunction());
        // Taken before any PgSeed trigger exists; triggers are not part of the fingerprint anyway.
        s.AppendLine(CultureInfo.InvariantCulture, $"CREATE TABLE {ResetSchema.Quoted}.seeded AS SELECT {ResetSchema.Quoted}.fingerprint() AS fingerprint;");
        s.AppendLine(ReloadAllFunction(parentsFirst, replica));
        return s.ToString();
    }

    private static StringBuilder Schema(IReadOnlyList<ResetTable> tables)
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"CREATE SCHEMA {ResetSchema.Quoted};");
        s.AppendLine(CultureInfo.InvariantCulture, $"CREATE TABLE {ResetSchema.Quoted}.sequences (seq regclass PRIMARY KEY, last_value bigint NOT NULL, is_called boolean NOT NULL);");
        // Every user sequence, whether owned by a column or not: setval puts them back exactly.
        s.AppendLine(CultureInfo.InvariantCulture, $$"""
            DO $pgseed$
            DECLARE r record;
            BEGIN
              FOR r IN SELECT c.oid::regclass AS seq FROM pg_catalog.pg_class c
                       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                       WHERE c.relkind = 'S' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                         AND n.nspname NOT LIKE 'pg\_%' AND n.nspname NOT LIKE 'pgseed\_%'
              LOOP
                EXECUTE format('INSERT INTO {{ResetSchema.Quoted}}.sequences SELECT %L::regclass, last_value, is_called FROM %s', r.seq, r.seq);
              END LOOP;
            END
            $pgseed$;
            """);
        foreach (var t in tables)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"CREATE TABLE {t.SeedCopy} AS SELECT {t.Columns} FROM {t.Target};");
            if (t.Key is not null) s.AppendLine(CultureInfo.InvariantCulture, $"ALTER TABLE {t.SeedCopy} ADD PRIMARY KEY ({t.KeyColumns});");
        }
        return s;
    }

    /// <summary>A digest of the user schema's shape, for servers where event triggers are not allowed.</summary>
    private static string FingerprintFunction() => $$"""
        CREATE FUNCTION {{ResetSchema.Quoted}}.fingerprint() RETURNS text LANGUAGE sql STABLE AS $pgseed$
          SELECT md5(coalesce(string_agg(x, ';' ORDER BY x), '')) FROM (
            SELECT 'r' || c.oid || ':' || c.relname || ':' || c.relkind::text || ':' || c.relnamespace || ':' || c.relnatts || ':' || c.relchecks AS x
              FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%' AND n.nspname NOT LIKE 'pgseed\_%'
            UNION ALL
            SELECT 'a' || a.attrelid || '.' || a.attnum || ':' || a.attname || ':' || a.atttypid || ':' || a.atttypmod || ':' || a.attnotnull || ':' || a.atthasdef || ':' || a.attisdropped
              FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE a.attnum > 0 AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%' AND n.nspname NOT LIKE 'pgseed\_%'
            UNION ALL
            SELECT 'c' || co.oid || ':' || co.conname
              FROM pg_catalog.pg_constraint co JOIN pg_catalog.pg_namespace n ON n.oid = co.connamespace
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%' AND n.nspname NOT LIKE 'pgseed\_%'
          ) f
        $pgseed$;
        """;

    /// <summary>SQL condition: the user schema no longer matches the seeded one.</summary>
    public static readonly string SchemaChanged =
        $"{ResetSchema.Quoted}.fingerprint() IS DISTINCT FROM (SELECT fingerprint FROM {ResetSchema.Quoted}.seeded)";

    private static string ReloadAllFunction(IReadOnlyList<ResetTable> parentsFirst, bool replica)
    {
        var body = new StringBuilder();
        body.AppendLine(replica ? "  SET LOCAL session_replication_role = replica;" : "  SET CONSTRAINTS ALL DEFERRED;");
        body.AppendLine("  SET LOCAL jit = off; -- compiling the big INSERT ... SELECTs costs more than it saves");
        if (parentsFirst.Count > 0)
            body.AppendLine("  TRUNCATE " + string.Join(", ", parentsFirst.Select(t => t.Target)) + ";");
        foreach (var t in parentsFirst)
            body.AppendLine(CultureInfo.InvariantCulture, $"  INSERT INTO {t.Info.Name.Sql} ({t.Columns}){t.Overriding} SELECT {t.Columns} FROM {t.SeedCopy};");
        body.AppendLine(CultureInfo.InvariantCulture, $"  PERFORM pg_catalog.setval(s.seq, s.last_value, s.is_called) FROM {ResetSchema.Quoted}.sequences s;");
        return $"""
            CREATE FUNCTION {ResetSchema.Quoted}.reload_all() RETURNS text LANGUAGE plpgsql AS $pgseed$
            BEGIN
              IF {SchemaChanged} THEN RETURN 'ddl'; END IF;
            {body}  RETURN 'reloaded';
            END
            $pgseed$;
            """;
    }
}
