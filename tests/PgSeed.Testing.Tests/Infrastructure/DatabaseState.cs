using Npgsql;
using PgSeed.Engine.Catalog;

namespace PgSeed.Testing.Tests.Infrastructure;

/// <summary>
/// Everything a reset must restore, in comparable form: per user table the sorted md5 of each row's text,
/// per user sequence its (last_value, is_called).
/// </summary>
public sealed record DatabaseState(SortedDictionary<string, string> Entries)
{
    public static async Task<DatabaseState> CaptureAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var catalog = await CatalogReader.ReadAsync(connection);
        foreach (var table in catalog.Tables)
        {
            var rows = new List<string>();
            // ONLY keeps inheritance children out; a partitioned table's rows are in its partitions.
            await using (var cmd = new NpgsqlCommand($"SELECT md5(t::text) FROM {(table.Partitioned ? "" : "ONLY ")}{table.Name.Sql} t", connection))
            await using (var r = await cmd.ExecuteReaderAsync())
                while (await r.ReadAsync()) rows.Add(r.GetString(0));
            rows.Sort(StringComparer.Ordinal);
            entries[$"table {table.Name.Display} ({rows.Count} rows)"] = string.Join(",", rows);
        }
        var sequences = new List<string>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'S' AND n.nspname NOT LIKE 'pg\_%' AND n.nspname NOT LIKE 'pgseed\_%' AND n.nspname <> 'information_schema'
            """, connection))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) sequences.Add(r.GetString(0));
        foreach (var seq in sequences)
        {
            await using var cmd = new NpgsqlCommand($"SELECT last_value || '/' || is_called FROM {seq}", connection);
            entries[$"sequence {seq}"] = (string)(await cmd.ExecuteScalarAsync())!;
        }
        return new DatabaseState(entries);
    }

    /// <summary>Asserts equality with a readable diff: which tables or sequences differ.</summary>
    public void ShouldEqual(DatabaseState expected)
    {
        var differing = expected.Entries.Keys.Union(Entries.Keys)
            .Where(k => !expected.Entries.TryGetValue(k, out var e) || !Entries.TryGetValue(k, out var a) || e != a)
            .ToList();
        Assert.True(differing.Count == 0, "Not the seeded state: " + string.Join("; ", differing));
    }
}
