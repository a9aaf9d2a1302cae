using System.Text;
using Npgsql;
using PgSeed.Engine.Catalog;
using PgSeed.Engine.Seed;
using PgSeed.Engine.Sql;

namespace PgSeed.Bench;

/// <summary>One table of a baseline: the SELECT that returns exactly the rows PgSeed exported, and its file.</summary>
internal sealed record BaselineTable(string Name, string File, string Select, string? KeyOrder, bool Complete);

/// <summary>
/// The floor PgSeed is measured against: plain <c>COPY (SELECT ...) TO STDOUT (FORMAT csv, HEADER)</c>
/// of the same row sets, one table after another on one connection, streamed to files, no snapshot
/// export, no closure, no checksums. The row sets come from a seed PgSeed wrote: a table exported in
/// full is copied as a whole; otherwise the seed CSV's key columns are loaded into a key table
/// (before timing) and the baseline copies the join of the source table with it.
/// </summary>
internal static class CopyBaseline
{
    public const string KeySchema = "bench_keys";

    public static async Task<IReadOnlyList<BaselineTable>> PrepareAsync(string connectionString, string seedDirectory,
        string caseName, CancellationToken cancellationToken)
    {
        var manifest = ManifestSerializer.Read(seedDirectory);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await BenchSchema.ExecuteAsync(connection, $"CREATE SCHEMA IF NOT EXISTS {KeySchema}", cancellationToken);

        var result = new List<BaselineTable>();
        foreach (var table in manifest.Tables)
        {
            var source = new TableName(table.Schema, table.Table).Sql;
            var columns = table.Columns.Select(c => c.Name).ToList();
            var key = table.Key.Count > 0 && !table.Key.Contains("ctid") ? table.Key : columns;
            var keyOrder = string.Join(", ", key.Select(Identifier.Quote));

            var total = await ScalarAsync<long>(connection, $"SELECT count(*) FROM {source}", cancellationToken);
            if (total == table.Rows)
            {
                result.Add(new BaselineTable(table.Name, table.File, $"SELECT {Identifier.List(columns)} FROM {source}", keyOrder, Complete: true));
                continue;
            }

            var load = $"{KeySchema}.{Identifier.Quote("load")}";
            var keys = $"{KeySchema}.{Identifier.Quote($"{caseName}_{table.Schema}_{table.Table}")}";
            await BenchSchema.ExecuteAsync(connection, $"DROP TABLE IF EXISTS {load}, {keys}; CREATE UNLOGGED TABLE {load} (LIKE {source})", cancellationToken);
            await CopyInAsync(connection, $"COPY {load} ({Identifier.List(columns)}) FROM STDIN (FORMAT csv, HEADER)",
                Path.Combine(seedDirectory, table.File), cancellationToken);
            await BenchSchema.ExecuteAsync(connection,
                $"CREATE UNLOGGED TABLE {keys} AS SELECT DISTINCT {keyOrder} FROM {load}; DROP TABLE {load}; ANALYZE {keys}", cancellationToken);
            var join = string.Join(" AND ", key.Select(k => $"t.{Identifier.Quote(k)} = k.{Identifier.Quote(k)}"));
            result.Add(new BaselineTable(table.Name, table.File,
                $"SELECT {Identifier.List("t", columns)} FROM {source} t JOIN {keys} k ON {join}",
                string.Join(", ", key.Select(k => "t." + Identifier.Quote(k))), Complete: false));
        }
        return result;
    }

    /// <summary>The timed part: one connection, one COPY per table, each streamed to its file.</summary>
    public static async Task ExportAsync(string connectionString, IReadOnlyList<BaselineTable> tables, string directory,
        bool sorted, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var table in tables)
        {
            var select = sorted && table.KeyOrder is not null ? $"{table.Select} ORDER BY {table.KeyOrder}" : table.Select;
            await CopyOutAsync(connection, $"COPY ({select}) TO STDOUT (FORMAT csv, HEADER)", Path.Combine(directory, table.File), cancellationToken);
        }
    }

    // Npgsql's raw stream API is binary-only, so CSV goes through its text COPY API: chars in, UTF-8 out.
    private const int BufferChars = 1 << 16;

    public static async Task CopyOutAsync(NpgsqlConnection connection, string copySql, string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        await using var writer = new StreamWriter(file, new UTF8Encoding(false), BufferChars);
        using var reader = await connection.BeginTextExportAsync(copySql, cancellationToken);
        var buffer = new char[BufferChars];
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory(), cancellationToken)) > 0)
            await writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
    }

    public static async Task CopyInAsync(NpgsqlConnection connection, string copySql, string path, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(path, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false, BufferChars);
        await using var writer = await connection.BeginTextImportAsync(copySql, cancellationToken);
        var buffer = new char[BufferChars];
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory(), cancellationToken)) > 0)
            await writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
    }

    public static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return (T)(await cmd.ExecuteScalarAsync(cancellationToken))!;
    }
}
