using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;
using PgSeed.Engine.Catalog;
using PgSeed.Engine.Sql;

namespace PgSeed.Testing.Reset;

/// <summary>
/// What a test changed relative to the seed, read from the change-capture bookkeeping before the reset: per table
/// the inserted, deleted and updated keys (for updates the changed columns, old → new), tables reloaded whole
/// (truncated, or written without a key), moved sequences and DDL. Capped so a failure message stays readable.
/// </summary>
internal static class ChangeReport
{
    private const int RowsPerKind = 10;
    private const int ValueWidth = 60;
    private static readonly string[] Kinds = ["inserted", "updated", "deleted"];

    public static async Task<string> DescribeAsync(string connectionString, string title, CancellationToken cancellationToken)
    {
        var text = new StringBuilder(title).Append(':');
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Enlist = false };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await using var connectionScope = connection.ConfigureAwait(false);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

        var dirty = new List<(uint Relid, char Kind)>();
        using (var cmd = new NpgsqlCommand($"SELECT DISTINCT relid, kind::text FROM {ResetSchema.Quoted}.dirty ORDER BY 1, 2", connection))
        {
            var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (r.ConfigureAwait(false))
                while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                    dirty.Add((r.GetFieldValue<uint>(0), r.GetString(1)[0]));
        }

        var lines = 0;
        if (dirty.Any(d => d.Kind == 'd'))
        {
            text.Append("\n  the schema changed (DDL): the next reset re-clones the database");
            lines++;
        }
        var written = dirty.Where(d => d.Kind is 'w' or 'f').Select(d => d.Relid).ToHashSet();
        if (written.Count > 0)
        {
            var catalog = await CatalogReader.ReadAsync(connection, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var table in catalog.Tables.Where(t => written.Contains(t.Oid)).Select(t => new ResetTable(t)).OrderBy(t => t.Info.Name.Display, StringComparer.Ordinal))
            {
                var wholeTable = table.Key is null || dirty.Contains((table.Oid, 'f'));
                var described = wholeTable
                    ? await DescribeWholeTableAsync(connection, table, cancellationToken).ConfigureAwait(false)
                    : await DescribeRowsAsync(connection, table, cancellationToken).ConfigureAwait(false);
                if (described is null) continue; // written, but every row is back as seeded
                text.Append("\n  ").Append(table.Info.Name.Display).Append(": ").Append(described);
                lines++;
            }
        }
        using (var cmd = new NpgsqlCommand($"""
            SELECT s.seq::text, CASE WHEN s.is_called THEN s.last_value::text ELSE 'not called' END,
                   coalesce(pg_catalog.pg_sequence_last_value(s.seq)::text, 'not called')
            FROM {ResetSchema.Quoted}.sequences s
            WHERE pg_catalog.pg_sequence_last_value(s.seq) IS DISTINCT FROM CASE WHEN s.is_called THEN s.last_value END
            ORDER BY 1
            """, connection))
        {
            var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (r.ConfigureAwait(false))
                while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    text.Append("\n  sequence ").Append(r.GetString(0)).Append(": ").Append(r.GetString(1)).Append(" → ").Append(r.GetString(2));
                    lines++;
                }
        }
        if (lines == 0) text.Append(" nothing (the database is in its seeded state)");
        return text.ToString();
    }

    private static async Task<string> DescribeWholeTableAsync(NpgsqlConnection connection, ResetTable table, CancellationToken cancellationToken)
    {
        using var cmd = new NpgsqlCommand($"SELECT (SELECT count(*) FROM {table.Target}), (SELECT count(*) FROM {table.SeedCopy})", connection);
        var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = r.ConfigureAwait(false);
        await r.ReadAsync(cancellationToken).ConfigureAwait(false);
        var why = table.Key is null ? "written or truncated (no primary or unique key, so rows are not told apart)" : "truncated";
        return string.Create(CultureInfo.InvariantCulture, $"{why}; {r.GetInt64(0)} rows now, {r.GetInt64(1)} seeded");
    }

    /// <summary>
    /// Compares each logged key's row in the table with its seed copy, as JSON objects of the data columns (jsonb to
    /// compare, json to show the key in column order); null when no row differs.
    /// </summary>
    private static async Task<string?> DescribeRowsAsync(NpgsqlConnection connection, ResetTable table, CancellationToken cancellationToken)
    {
        var key = table.Key!;
        string Json(string alias, IEnumerable<string> columns, string function = "to_jsonb") =>
            $"(SELECT pg_catalog.{function}(j) FROM (SELECT {Identifier.List(alias, columns)}) j)";
        var first = Identifier.Quote(key[0]);
        var sql = $"""
            WITH d AS (
              SELECT {Json("k", key, "to_json")}::text AS key,
                     CASE WHEN s.{first} IS NULL THEN NULL ELSE {Json("s", table.DataColumns)} END AS seeded,
                     CASE WHEN x.{first} IS NULL THEN NULL ELSE {Json("x", table.DataColumns)} END AS now
              FROM (SELECT DISTINCT {table.KeyColumns} FROM {table.KeyLog}) k
              LEFT JOIN {table.SeedCopy} s ON {table.KeyJoin("s", "k")}
              LEFT JOIN {table.Target} x ON {table.KeyJoin("x", "k")}
            ), c AS (
              SELECT CASE WHEN seeded IS NULL THEN 'inserted' WHEN now IS NULL THEN 'deleted' ELSE 'updated' END AS kind, key, seeded, now
              FROM d WHERE seeded IS DISTINCT FROM now
            )
            SELECT kind, key, seeded::text, now::text, count(*) OVER (PARTITION BY kind)
            FROM (SELECT c.*, row_number() OVER (PARTITION BY kind ORDER BY key) AS n FROM c) q
            WHERE n <= {RowsPerKind} ORDER BY array_position(ARRAY['inserted', 'updated', 'deleted'], kind), key
            """;
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var rows = new StringBuilder();
        using (var cmd = new NpgsqlCommand(sql, connection))
        {
            var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (r.ConfigureAwait(false))
                while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var kind = r.GetString(0);
                    counts[kind] = r.GetInt64(4);
                    var keyText = Pairs(r.GetString(1));
                    rows.Append("\n    ");
                    switch (kind)
                    {
                        case "inserted": rows.Append("+ ").Append(keyText); break;
                        case "deleted": rows.Append("- ").Append(keyText); break;
                        default: rows.Append("~ ").Append(keyText).Append(": ").Append(Changes(table.DataColumns, r.GetString(2), r.GetString(3))); break;
                    }
                }
        }
        if (counts.Count == 0) return null;
        foreach (var (kind, n) in counts.Where(c => c.Value > RowsPerKind))
            rows.Append(CultureInfo.InvariantCulture, $"\n    ... {n - RowsPerKind} more {kind}");
        return string.Join(", ", Kinds.Select(k => $"{counts.GetValueOrDefault(k)} {k}")) + rows;
    }

    private static string Pairs(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return string.Join(", ", doc.RootElement.EnumerateObject().Select(p => $"{p.Name}={Value(p.Value)}"));
    }

    /// <summary>The changed columns, in table order: <c>name 'Ada' → 'Changed'</c>.</summary>
    private static string Changes(IReadOnlyList<string> columns, string seededJson, string nowJson)
    {
        using var seeded = JsonDocument.Parse(seededJson);
        using var now = JsonDocument.Parse(nowJson);
        return string.Join(", ", columns
            .Where(c => seeded.RootElement.TryGetProperty(c, out var before) && now.RootElement.TryGetProperty(c, out var after) && before.GetRawText() != after.GetRawText())
            .Select(c => $"{c} {Value(seeded.RootElement.GetProperty(c))} → {Value(now.RootElement.GetProperty(c))}"));
    }

    private static string Value(JsonElement value)
    {
        var text = value.ValueKind switch
        {
            JsonValueKind.String => "'" + value.GetString() + "'",
            JsonValueKind.Null => "null",
            _ => value.GetRawText(),
        };
        return text.Length <= ValueWidth ? text : text[..(ValueWidth - 1)] + "…";
    }
}
