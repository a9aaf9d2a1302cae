using Npgsql;
using NpgsqlTypes;

namespace PgSeed.Engine.Export;

/// <summary>
/// Chooses how the COPY of a complete table reads its rows in key order. PostgreSQL's planner prices an index scan
/// in key order cheaply once the table fits in the cache, so it picks one even where the rows are stored in no
/// particular order; each row is then a random heap access, which on a shuffled 1.2 M-row table took twice as long
/// as reading the table in storage order and sorting it (docs/benchmarks.md). Where the statistics say the leading
/// key column is poorly correlated with the storage order, that COPY runs with plain index scans off (index-only
/// scans stay allowed: they read the index in order and not the heap); where it is well correlated, or there are
/// no statistics, the planner decides as before. The rows and their order are the same either way.
/// </summary>
internal static class KeyOrderScans
{
    /// <summary>Below this |correlation| a sort of the whole table beats fetching its rows in key order.</summary>
    public const double CorrelationThreshold = 0.8;

    /// <summary>Smaller tables are cheap either way: no statistics query for them (small seeds stay one round trip shorter).</summary>
    public const double MinimumRows = 10_000;

    /// <summary>The complete tables whose COPY should sort instead of scanning the primary key's index.</summary>
    public static async Task<HashSet<Catalog.TableName>> SortInsteadAsync(NpgsqlConnection connection, IEnumerable<PlannedTable> tables,
        CancellationToken cancellationToken)
    {
        var candidates = tables.Where(t => t.All && !t.UsesCtid && t.Info.EstimatedRows >= MinimumRows).ToList();
        var result = new HashSet<Catalog.TableName>();
        if (candidates.Count == 0) return result;
        const string sql =
            "SELECT c.table_schema, c.table_name FROM unnest(@schemas, @names, @columns) AS c(table_schema, table_name, column_name) " +
            "JOIN pg_catalog.pg_stats s ON s.schemaname = c.table_schema AND s.tablename = c.table_name AND s.attname = c.column_name " +
            "GROUP BY c.table_schema, c.table_name HAVING bool_and(s.correlation IS NOT NULL AND abs(s.correlation) < @threshold)";
        var cmd = new NpgsqlCommand(sql, connection);
        await using var cmdScope = cmd.ConfigureAwait(false);
        cmd.Parameters.Add(new NpgsqlParameter("schemas", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = candidates.Select(t => t.Name.Schema).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("names", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = candidates.Select(t => t.Name.Name).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("columns", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = candidates.Select(t => t.KeyColumns![0]).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("threshold", NpgsqlDbType.Double) { Value = CorrelationThreshold });
        var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            result.Add(new Catalog.TableName(reader.GetString(0), reader.GetString(1)));
        return result;
    }

    /// <summary>The setting for one COPY, for the rest of the transaction (each COPY sets it again when it differs).</summary>
    public static string Setting(bool sort) => $"SET LOCAL enable_indexscan = {(sort ? "off" : "on")}";
}
