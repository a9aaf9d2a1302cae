using System.Text.Json;
using Npgsql;

namespace PgSeed.Engine.Tests.Infrastructure;

/// <summary>
/// An independent, naive implementation of the export rules, for checking the engine: reads every row
/// of every table into memory (test databases are tiny) and iterates the rules until nothing changes.
/// Rows are identified by their text (<c>row::text</c>); FK values are compared as JSON. Partitioned tables are
/// one table (their rows, whatever partition holds them), and an FK declared on a partition, or referencing one,
/// is an FK of the partitioned tables at the top of the trees (docs/export.md, "Partitioned tables").
/// </summary>
public static class ClosureOracle
{
    private sealed record Fk(string Name, string Child, string[] Columns, string Parent, string[] ParentColumns);
    private sealed record Row(string Text, JsonElement Values);

    public static async Task<Dictionary<string, HashSet<string>>> ComputeAsync(string connectionString,
        IEnumerable<(string Table, string? Filter)> roots, bool children = true, IEnumerable<string>? excludedEdgeNames = null)
    {
        var excluded = excludedEdgeNames?.ToHashSet() ?? new HashSet<string>();
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        var tables = await ListAsync(c, """
            SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r','p') AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog','information_schema')
              AND n.nspname NOT LIKE 'pg\_%'
            """);
        var rows = new Dictionary<string, List<Row>>();
        foreach (var t in tables)
        {
            var list = new List<Row>();
            await using var cmd = new NpgsqlCommand($"SELECT (t.*)::text, to_jsonb(t)::text FROM {t} t", c);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) list.Add(new Row(r.GetString(0), JsonDocument.Parse(r.GetString(1)).RootElement));
            rows[t] = list;
        }
        var fks = new List<Fk>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT conname, coalesce(pg_partition_root(conrelid), conrelid)::regclass::text, coalesce(pg_partition_root(confrelid), confrelid)::regclass::text,
              ARRAY(SELECT attname FROM unnest(conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = conrelid AND a.attnum = k.n ORDER BY i)::text[],
              ARRAY(SELECT attname FROM unnest(confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = confrelid AND a.attnum = k.n ORDER BY i)::text[]
            FROM pg_constraint WHERE contype = 'f' AND conparentid = 0
            """, c))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync())
                fks.Add(new Fk(r.GetString(0), r.GetString(1), r.GetFieldValue<string[]>(3), r.GetString(2), r.GetFieldValue<string[]>(4)));

        var inSet = tables.ToDictionary(t => t, _ => new HashSet<string>());
        var down = tables.ToDictionary(t => t, _ => new HashSet<string>());
        foreach (var (table, filter) in roots)
        {
            var reg = (await ListAsync(c, $"SELECT '{table.Replace("'", "''")}'::regclass::text")).Single();
            foreach (var text in await ListAsync(c, $"SELECT ({reg}.*)::text FROM {reg} {filter}"))
            {
                inSet[reg].Add(text);
                down[reg].Add(text);
            }
        }

        // Rows by the values of each FK's columns on either side (a lookup instead of a scan per row).
        var parentsByKey = fks.ToDictionary(fk => fk, fk => rows[fk.Parent].Where(p => Values(p, fk.ParentColumns) is not null)
            .ToLookup(p => Values(p, fk.ParentColumns)!));
        var childrenByKey = fks.ToDictionary(fk => fk, fk => rows[fk.Child].Where(ch => Values(ch, fk.Columns) is not null)
            .ToLookup(ch => Values(ch, fk.Columns)!));
        bool changed;
        do
        {
            changed = false;
            foreach (var fk in fks)
            {
                // Parents of every exported row.
                foreach (var child in rows[fk.Child].Where(r => inSet[fk.Child].Contains(r.Text)).ToList())
                {
                    var key = Values(child, fk.Columns);
                    if (key is null) continue;
                    foreach (var parent in parentsByKey[fk][key])
                        changed |= inSet[fk.Parent].Add(parent.Text);
                }
                // Children of descendant rows.
                if (!children || excluded.Contains(fk.Name)) continue;
                foreach (var parent in rows[fk.Parent].Where(r => down[fk.Parent].Contains(r.Text)).ToList())
                {
                    var key = Values(parent, fk.ParentColumns);
                    if (key is null) continue;
                    foreach (var child in childrenByKey[fk][key])
                    {
                        changed |= inSet[fk.Child].Add(child.Text);
                        changed |= down[fk.Child].Add(child.Text);
                    }
                }
            }
        } while (changed);
        return inSet;
    }

    /// <summary>Every table's rows as text, for comparing a loaded copy with the oracle.</summary>
    public static async Task<Dictionary<string, HashSet<string>>> ReadAllAsync(string connectionString)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        var result = new Dictionary<string, HashSet<string>>();
        foreach (var t in await ListAsync(c, """
            SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r','p') AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog','information_schema')
              AND n.nspname NOT LIKE 'pg\_%'
            """))
            result[t] = (await ListAsync(c, $"SELECT (t.*)::text FROM {t} t")).ToHashSet();
        return result;
    }

    private static string? Values(Row row, string[] columns)
    {
        var parts = new List<string>();
        foreach (var col in columns)
        {
            var v = row.Values.GetProperty(col);
            if (v.ValueKind == JsonValueKind.Null) return null;
            parts.Add(v.GetRawText());
        }
        return string.Join("\u0001", parts);
    }

    private static async Task<List<string>> ListAsync(NpgsqlConnection c, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        await using var r = await cmd.ExecuteReaderAsync();
        var list = new List<string>();
        while (await r.ReadAsync()) list.Add(r.GetString(0));
        return list;
    }
}
