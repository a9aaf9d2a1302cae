using System.Globalization;
using System.Text;
using Npgsql;
using PgSeed.Engine.Catalog;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Shaping;

/// <summary>
/// What <c>pg_dump -t</c> leaves out but the exported tables need: enum, domain, composite and range types of their columns,
/// functions called by their defaults, checks, domain constraints and triggers, sequences their defaults
/// use, and the extensions that own any type, function or operator class they use. Types and functions are
/// written as DDL ahead of pg_dump's output; sequences are added to its <c>-t</c> list; extensions become
/// <c>CREATE EXTENSION IF NOT EXISTS</c>. Read in the export's snapshot with <c>search_path = pg_catalog</c> so
/// every name is qualified. Extension-owned objects are never written themselves (the extension brings them).
/// </summary>
internal static class SchemaDependencies
{
    public sealed record Result(string Ddl, IReadOnlyList<string> Sequences, IReadOnlyList<string> Schemas)
    {
        /// <summary>Extensions the tables need (name, schema), in name order.</summary>
        public IReadOnlyList<(string Name, string Schema)> Extensions { get; init; } = [];
    }

    public static async Task<Result> ReadAsync(NpgsqlConnection connection, IReadOnlyList<uint> tableOids, int serverMajor, CancellationToken cancellationToken)
    {
        // PostgreSQL 14 added multirange types: a range type brings its multirange, so a column of the multirange needs the range.
        var multiranges = serverMajor >= 14;
        var usedTypes = UsedTypes(multiranges);
        await Exec(connection, "SET LOCAL search_path = pg_catalog", cancellationToken).ConfigureAwait(false);
        var rels = tableOids.Select(o => (long)o).ToArray();
        var ddl = new StringBuilder();
        var schemas = new SortedSet<string>(StringComparer.Ordinal);

        const string notExtension = "NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.objid = {0} AND e.deptype = 'e')";
        var types = await ListAsync(connection, $"""
            {usedTypes}
            SELECT t.oid::bigint, t.typtype::text, n.nspname::text,
                   quote_ident(n.nspname) || '.' || quote_ident(t.typname),
                   CASE t.typtype
                     WHEN 'e' THEN (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid)
                     WHEN 'c' THEN (SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
                                    FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped)
                     WHEN 'r' THEN (SELECT 'SUBTYPE = ' || format_type(r.rngsubtype, NULL)
                                      || CASE WHEN r.rngsubdiff <> 0 THEN ', SUBTYPE_DIFF = ' || r.rngsubdiff::regproc::text ELSE '' END
                                      {(multiranges ? "|| ', MULTIRANGE_TYPE_NAME = ' || format_type(r.rngmultitypid, NULL)" : "")}
                                    FROM pg_range r WHERE r.rngtypid = t.oid)
                     ELSE format_type(t.typbasetype, t.typtypmod)
                       || CASE WHEN t.typdefault IS NOT NULL THEN ' DEFAULT ' || t.typdefault ELSE '' END
                       || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END
                       || coalesce((SELECT string_agg(' CONSTRAINT ' || quote_ident(c.conname) || ' ' || pg_get_constraintdef(c.oid), '' ORDER BY c.conname)
                                    FROM pg_constraint c WHERE c.contypid = t.oid), '')
                   END
            FROM (SELECT DISTINCT typ FROM used) u JOIN pg_type t ON t.oid = u.typ JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
              AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND {string.Format(CultureInfo.InvariantCulture, notExtension, "t.oid")}
            ORDER BY t.oid
            """, rels, cancellationToken).ConfigureAwait(false);
        var typeOids = types.Select(t => long.Parse(t[0], CultureInfo.InvariantCulture)).ToArray();

        var functions = await ListAsync(connection, $"""
            SELECT DISTINCT p.oid::bigint, n.nspname::text, pg_get_functiondef(p.oid)
            FROM pg_depend d JOIN pg_proc p ON d.refclassid = 'pg_proc'::regclass AND d.refobjid = p.oid
            JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND p.prokind IN ('f', 'p') AND {string.Format(CultureInfo.InvariantCulture, notExtension, "p.oid")}
              AND ((d.classid = 'pg_attrdef'::regclass AND d.objid IN (SELECT oid FROM pg_attrdef WHERE adrelid = ANY(@rels::oid[])))
                OR (d.classid = 'pg_constraint'::regclass AND d.objid IN (SELECT oid FROM pg_constraint WHERE conrelid = ANY(@rels::oid[]) OR contypid = ANY(@types::oid[])))
                OR (d.classid = 'pg_trigger'::regclass AND d.objid IN (SELECT oid FROM pg_trigger WHERE tgrelid = ANY(@rels::oid[]) AND NOT tgisinternal))
                OR (d.classid = 'pg_type'::regclass AND d.objid = ANY(@types::oid[])))
            ORDER BY 1
            """, rels, cancellationToken, typeOids).ConfigureAwait(false);

        var sequences = await ListAsync(connection, """
            SELECT DISTINCT quote_ident(n.nspname) || '.' || quote_ident(s.relname), n.nspname::text
            FROM pg_depend d JOIN pg_class s ON d.refclassid = 'pg_class'::regclass AND d.refobjid = s.oid AND s.relkind = 'S'
            JOIN pg_namespace n ON n.oid = s.relnamespace
            WHERE d.classid = 'pg_attrdef'::regclass AND d.objid IN (SELECT oid FROM pg_attrdef WHERE adrelid = ANY(@rels::oid[]))
            ORDER BY 1
            """, rels, cancellationToken).ConfigureAwait(false);

        // Extensions owning a type the columns use (also as array element or domain base), or an object that a
        // default, check, trigger, index or domain of the tables depends on (functions, operator classes...).
        var extensions = await ListAsync(connection, $"""
            {usedTypes},
            referenced(classid, objid) AS (
                SELECT 'pg_type'::regclass, typ FROM used
                UNION
                SELECT d.refclassid, d.refobjid FROM pg_depend d
                WHERE (d.classid = 'pg_attrdef'::regclass AND d.objid IN (SELECT oid FROM pg_attrdef WHERE adrelid = ANY(@rels::oid[])))
                   OR (d.classid = 'pg_constraint'::regclass AND d.objid IN (SELECT oid FROM pg_constraint WHERE conrelid = ANY(@rels::oid[]) OR contypid = ANY(@types::oid[])))
                   OR (d.classid = 'pg_trigger'::regclass AND d.objid IN (SELECT oid FROM pg_trigger WHERE tgrelid = ANY(@rels::oid[]) AND NOT tgisinternal))
                   OR (d.classid = 'pg_class'::regclass AND d.objid IN (SELECT indexrelid FROM pg_index WHERE indrelid = ANY(@rels::oid[])))
                   OR (d.classid = 'pg_type'::regclass AND d.objid = ANY(@types::oid[])))
            SELECT DISTINCT x.extname::text, n.nspname::text
            FROM referenced r
            JOIN pg_depend e ON e.classid = r.classid AND e.objid = r.objid AND e.deptype = 'e' AND e.refclassid = 'pg_extension'::regclass
            JOIN pg_extension x ON x.oid = e.refobjid
            JOIN pg_namespace n ON n.oid = x.extnamespace
            ORDER BY 1
            """, rels, cancellationToken, typeOids).ConfigureAwait(false);
        foreach (var e in extensions) schemas.Add(e[1]);

        foreach (var t in types.Where(t => t[1] == "e"))
        {
            schemas.Add(t[2]);
            ddl.Append(CultureInfo.InvariantCulture, $"CREATE TYPE {t[3]} AS ENUM ({t[4]});\n");
        }
        // Functions before domains: a domain's check may call one (a function taking a domain is rare). Domains,
        // composite and range types in creation (oid) order, since one may use another.
        foreach (var f in functions)
        {
            schemas.Add(f[1]);
            ddl.Append(f[2].TrimEnd()).Append(";\n");
        }
        foreach (var t in types.Where(t => t[1] != "e"))
        {
            schemas.Add(t[2]);
            ddl.Append(t[1] switch
            {
                "d" => $"CREATE DOMAIN {t[3]} AS {t[4]};\n",
                "c" => $"CREATE TYPE {t[3]} AS ({t[4]});\n",
                _ => $"CREATE TYPE {t[3]} AS RANGE ({t[4]});\n",
            });
        }
        foreach (var s in sequences) schemas.Add(s[1]);
        await Exec(connection, "RESET search_path", cancellationToken).ConfigureAwait(false);
        return new Result(ddl.ToString(), sequences.Select(s => s[0]).ToList(), schemas.ToList())
        {
            Extensions = extensions.Select(e => (e[0], e[1])).ToList(),
        };
    }

    /// <summary>
    /// The types the tables' columns use, recursively: domains' base types, array elements, the attributes of
    /// composite types, the subtypes of range types and (PostgreSQL 14+) the range types of multiranges.
    /// </summary>
    private static string UsedTypes(bool multiranges) => $"""
        WITH RECURSIVE used(typ) AS (
            SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = ANY(@rels::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
            UNION
            SELECT x.typ FROM used u JOIN pg_type t ON t.oid = u.typ
            CROSS JOIN LATERAL (
                SELECT t.typbasetype WHERE t.typtype = 'd'
                UNION ALL SELECT t.typelem WHERE t.typelem <> 0 AND t.typlen = -1
                UNION ALL SELECT a.atttypid FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid AND c.relkind = 'c'
                          WHERE t.typtype = 'c' AND a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
                {(multiranges ? "UNION ALL SELECT r.rngtypid FROM pg_range r WHERE t.typtype = 'm' AND r.rngmultitypid = t.oid" : "")}
                UNION ALL SELECT r.rngsubtype FROM pg_range r WHERE t.typtype = 'r' AND r.rngtypid = t.oid) x(typ))
        """;

    private static async Task<List<string[]>> ListAsync(NpgsqlConnection connection, string sql, long[] rels, CancellationToken cancellationToken, long[]? types = null)
    {
        var cmd = new NpgsqlCommand(sql, connection);
        await using var cmdScope = cmd.ConfigureAwait(false);
        cmd.Parameters.AddWithValue("rels", rels);
        cmd.Parameters.AddWithValue("types", types ?? Array.Empty<long>());
        var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        var rows = new List<string[]>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = new string[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)!;
            rows.Add(row);
        }
        return rows;
    }

    private static async Task Exec(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        var cmd = new NpgsqlCommand(sql, connection);
        await using var cmdScope = cmd.ConfigureAwait(false);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
