using Npgsql;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Seed;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Import;

/// <summary>
/// A key that appears twice in a seed file is an error in every mode (PGSEED052), naming the table, the key and
/// both records. A staging table filled by one COPY holds the rows in file order, so its physical order (ctid)
/// numbers the records: no extra column, nothing to compute unless a duplicate exists.
/// </summary>
internal static class DuplicateKeys
{
    private const string Savepoint = "pgseed_duplicates";

    /// <summary>
    /// One round trip: a unique index on the staged key, which fails if the file holds a key twice (upsert, before
    /// anything is written). Seeds are written in key order, so the index build sorts presorted rows: on a 1.2 M-row
    /// file it took a third of the hash aggregate it replaces, which spilled to disk (docs/benchmarks.md). In a
    /// savepoint, so a failure leaves the transaction usable for finding the two records.
    /// </summary>
    public static string UniqueIndexSql(string stage, IReadOnlyList<string> key) =>
        $"SAVEPOINT {Savepoint}; CREATE UNIQUE INDEX ON {stage} ({Identifier.List(key)}); RELEASE SAVEPOINT {Savepoint}";

    /// <summary>The first record whose key an earlier record already had: (earlier record, record, key text).</summary>
    public static string FirstSql(string stage, IReadOnlyList<string> key) =>
        $"SELECT first_n, n, key FROM (SELECT n, min(n) OVER (PARTITION BY {Identifier.List(key)}) AS first_n, " +
        $"concat_ws(', ', {string.Join(", ", key.Select(k => Identifier.Quote(k) + "::text"))}) AS key " +
        $"FROM (SELECT row_number() OVER (ORDER BY ctid) + 1 AS n, {Identifier.List(key)} FROM {stage}) numbered) ranked " +
        "WHERE n > first_n ORDER BY n LIMIT 1";

    /// <summary>The first duplicate in <paramref name="stage"/>, or null.</summary>
    public static async Task<PgSeedException?> FindAsync(NpgsqlConnection connection, TablePlan table, string stage, IReadOnlyList<string> key,
        CancellationToken cancellationToken)
    {
        // The unique index first (the usual answer is no); numbering the records costs two sorts, so only on a yes.
        try
        {
            var unique = new NpgsqlCommand(UniqueIndexSql(stage, key), connection);
            await using var uniqueScope = unique.ConfigureAwait(false);
            await unique.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            var back = new NpgsqlCommand($"ROLLBACK TO SAVEPOINT {Savepoint}; RELEASE SAVEPOINT {Savepoint}", connection);
            await using var backScope = back.ConfigureAwait(false);
            await back.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        var cmd = new NpgsqlCommand(FirstSql(stage, key), connection);
        await using var cmdScope = cmd.ConfigureAwait(false);
        var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var rScope = r.ConfigureAwait(false);
        if (!await r.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
        return Error(table, key, r.GetString(2), r.GetInt64(0), r.GetInt64(1));
    }

    /// <summary>
    /// After a unique violation while COPYing straight into a table (append, truncate): loads the file again into a
    /// scratch table in a transaction of its own (rolled back) and looks for a key the file holds twice. Null when
    /// there is none (the row collides with one already in the target), or the diagnosis is not possible.
    /// </summary>
    public static async Task<PgSeedException?> DiagnoseAsync(NpgsqlConnection connection, TablePlan table, string? constraint,
        CancellationToken cancellationToken)
    {
        if (constraint is null) return null;
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var transactionScope = transaction.ConfigureAwait(false);
            // The violated unique index's columns (a unique constraint's index has its name); none for an expression index.
            const string keySql = """
                SELECT array_agg(a.attname::text ORDER BY k.ord) FILTER (WHERE a.attname IS NOT NULL), bool_or(k.attnum = 0)
                FROM pg_catalog.pg_index i
                JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
                CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                WHERE i.indrelid = @table AND ic.relname = @index AND k.ord <= i.indnkeyatts
                """;
            string[] key;
            {
                var read = new NpgsqlCommand(keySql, connection);
                await using var readScope = read.ConfigureAwait(false);
                read.Parameters.Add(new NpgsqlParameter("table", NpgsqlTypes.NpgsqlDbType.Oid) { Value = table.Target.Oid });
                read.Parameters.AddWithValue("index", constraint);
                var r = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using var rScope = r.ConfigureAwait(false);
                if (!await r.ReadAsync(cancellationToken).ConfigureAwait(false) || r.IsDBNull(0) || (!r.IsDBNull(1) && r.GetBoolean(1))) return null;
                key = r.GetFieldValue<string[]>(0);
            }
            if (key.Length == 0 || key.Any(k => !table.CsvColumns.Contains(k))) return null;
            const string scratch = "pg_temp.pgseed_duplicates";
            var create = new NpgsqlCommand(ImportStatements.CreateStage(table, scratch), connection);
            await using (create.ConfigureAwait(false))
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (table.FilePath is not { } file) return null; // a streamed CSV cannot be read twice
            await CsvCopy.CopyFileAsync(connection, ImportStatements.CopyFrom(scratch, table.CsvColumns, freeze: false), file, cancellationToken)
                .ConfigureAwait(false);
            var found = await FindAsync(connection, table, scratch, key, cancellationToken).ConfigureAwait(false);
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return found;
        }
        catch (Exception e) when (e is PostgresException or IOException or UnauthorizedAccessException)
        {
            return null; // the original error stands
        }
    }

    private static PgSeedException Error(TablePlan table, IReadOnlyList<string> key, string value, long firstRecord, long secondRecord)
    {
        var first = table.FilePath is { } file ? CsvLocation.ForRecord(file, firstRecord) : null;
        var second = table.FilePath is { } again ? CsvLocation.ForRecord(again, secondRecord) : null;
        string Where(CsvLocation? l, long record) => l?.ToString() ?? $"record {record}";
        return new PgSeedException(ErrorCode.DuplicateKeyInSeed,
            $"{table.Display}: {table.Csv.Name} holds key ({string.Join(", ", key)})=({value}) twice, at {Where(first, firstRecord)} and {Where(second, secondRecord)}. " +
            "A seed holds each row once: the file was edited or merged by hand; remove one of the two rows (and re-sign the manifest by re-exporting), or re-export the seed.")
        {
            Table = table.Display,
            File = table.FilePath,
            Line = (int?)second?.FirstLine,
            Record = (int)secondRecord,
        };
    }
}
