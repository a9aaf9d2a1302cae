using Npgsql;
using PgSeed.Engine.Catalog;

namespace PgSeed.Engine.Import;

/// <summary>
/// Which tables hold no row, in one statement: what a truncating import may take along (tables outside the seed that
/// reference it) and where a plain import may build indexes after loading.
/// </summary>
internal static class EmptyTables
{
    /// <summary>The empty ones of <paramref name="tables"/> (an empty list asks nothing).</summary>
    public static async Task<IReadOnlySet<TableName>> FindAsync(NpgsqlConnection connection, IReadOnlyList<TableName> tables, CancellationToken cancellationToken)
    {
        var empty = new HashSet<TableName>();
        if (tables.Count == 0) return empty;
        var sql = "SELECT n FROM (VALUES " +
                  string.Join(", ", tables.Select((t, i) => $"({i}, NOT EXISTS (SELECT 1 FROM {t.Sql}))")) +
                  ") AS v(n, empty) WHERE empty";
        var cmd = new NpgsqlCommand(sql, connection);
        await using var cmdScope = cmd.ConfigureAwait(false);
        var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) empty.Add(tables[reader.GetInt32(0)]);
        return empty;
    }
}
