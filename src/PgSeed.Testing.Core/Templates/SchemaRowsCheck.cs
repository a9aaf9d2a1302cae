using Npgsql;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Seed;
using PgSeed.Engine.Sql;

namespace PgSeed.Testing.Templates;

/// <summary>
/// Catches <c>ImportMode.Truncate</c> deleting rows the schema step inserted (EF Core <c>HasData</c> and <c>UseSeeding</c>,
/// reference rows in migrations or scripts) that the seed does not bring back. Before the import it copies the keys of the
/// seed's tables that already hold rows into temporary tables of its own session; after the import it counts the keys that
/// are gone and warns (PGSEED046) with the fix: Upsert keeps them. Rows the seed re-inserts with the same key are not
/// reported. A table without a key is reported when it held rows, since which of them came back cannot be told.
/// </summary>
internal sealed class SchemaRowsCheck : IAsyncDisposable
{
    private readonly NpgsqlConnection _session;
    private readonly List<(SeedTable Table, string? KeyCopy, long Rows)> _tables;

    private SchemaRowsCheck(NpgsqlConnection session, List<(SeedTable, string?, long)> tables)
    {
        _session = session;
        _tables = tables;
    }

    /// <summary>Records what the seed's tables hold before the import; null when none holds a row (nothing to lose).</summary>
    public static async Task<SchemaRowsCheck?> BeforeAsync(string connectionString, string seedFolder, CancellationToken cancellationToken)
    {
        var manifest = ManifestSerializer.Read(seedFolder);
        var session = await Sessions.OpenAsync(connectionString, cancellationToken).ConfigureAwait(false);
        try
        {
            var tables = new List<(SeedTable, string?, long)>();
            foreach (var table in manifest.Tables)
            {
                var sql = Sql(table);
                // A missing table is the import's error to report (PGSEED040), not this check's.
                if (!await ScalarAsync<bool>(session, $"SELECT to_regclass('{sql.Replace("'", "''")}') IS NOT NULL", cancellationToken).ConfigureAwait(false)) continue;
                if (!await ScalarAsync<bool>(session, $"SELECT EXISTS (SELECT 1 FROM {sql})", cancellationToken).ConfigureAwait(false)) continue;
                string? copy = null;
                if (table.Key.Count > 0)
                {
                    copy = $"pgseed_schema_rows_{tables.Count}";
                    var create = new NpgsqlCommand($"CREATE TEMP TABLE {copy} AS SELECT {string.Join(", ", table.Key.Select(Identifier.Quote))} FROM {sql}", session);
                    await using (create.ConfigureAwait(false))
                    {
                        try { await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false); }
                        catch (PostgresException) { continue; } // a key column the table lacks: the import reports that drift (PGSEED041)
                    }
                }
                var rows = await ScalarAsync<long>(session, $"SELECT count(*) FROM {copy ?? sql}", cancellationToken).ConfigureAwait(false);
                tables.Add((table, copy, rows));
            }
            if (tables.Count > 0) return new SchemaRowsCheck(session, tables);
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        await session.DisposeAsync().ConfigureAwait(false);
        return null;
    }

    /// <summary>One warning line per table that lost rows of the schema step.</summary>
    public async Task<IReadOnlyList<string>> AfterAsync(string seedDisplayName, CancellationToken cancellationToken)
    {
        var warnings = new List<string>();
        foreach (var (table, copy, before) in _tables)
        {
            string lost;
            if (copy is null)
                lost = $"held {before} row(s) before the import (it has no key, so which of them the seed re-inserted cannot be told)";
            else
            {
                var match = string.Join(" AND ", table.Key.Select(k => $"t.{Identifier.Quote(k)} = c.{Identifier.Quote(k)}"));
                var gone = await ScalarAsync<long>(_session,
                    $"SELECT count(*) FROM {copy} c WHERE NOT EXISTS (SELECT 1 FROM {Sql(table)} t WHERE {match})", cancellationToken).ConfigureAwait(false);
                if (gone == 0) continue;
                lost = $"lost {gone} of the {before} row(s) the schema step had put there";
            }
            warnings.Add($"PgSeed warning {ErrorCode.TruncateReferenced}: {table.Name} {lost}: ImportMode.Truncate of {seedDisplayName} emptied it and the " +
                         "seed does not hold those rows (rows from EF Core HasData or UseSeeding, or a migration's or script's INSERTs). " +
                         "Tests then see fewer rows than the schema gives. Import this seed with ImportMode.Upsert (seed rows replace " +
                         "rows with the same key, the others stay), or ImportMode.Append when the seed holds none of those rows.");
        }
        return warnings;
    }

    public ValueTask DisposeAsync() => _session.DisposeAsync();

    private static string Sql(SeedTable table) => Identifier.Quote(table.Schema) + "." + Identifier.Quote(table.Table);

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection session, string sql, CancellationToken cancellationToken)
    {
        var cmd = new NpgsqlCommand(sql, session);
        await using (cmd.ConfigureAwait(false))
            return (T)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
