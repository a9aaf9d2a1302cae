using Npgsql;
using PgSeed.Engine.Seed;

namespace Bookstore.Tests;

/// <summary>What every other test relies on: after a reset the database is exactly the seed again.</summary>
public sealed class ResetTests(BookstoreDatabase db) : PgSeedTest<BookstoreDatabase>(db)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task After_writes_everywhere_a_reset_brings_back_exactly_the_seeded_rows_and_sequences()
    {
        await using (var write = Database.DataSource.CreateCommand("""
            update customer set email = 'changed@example.org', referred_by = null where id = 10;
            delete from "order" where id = 62;                                      -- its lines go by ON DELETE CASCADE
            insert into category (parent_id, name, slug) values (1, 'Cosy crime', 'cosy-crime');
            insert into store (name, country_code, opened_on) values ('Pop-up store', 'DE', '2026-12-01');
            update book set price = price * 1.1 where category_id in (1, 7, 25);
            truncate "GiftCard";
            """))
            await write.ExecuteNonQueryAsync(Cancel);

        await Database.ResetAsync(Cancel);

        Assert.Equal(ResetOutcome.Restored, Database.LastReset);
        await AssertEqualsFreshImportAsync();
    }

    [Fact]
    public async Task Tables_only_one_seed_fills_hold_exactly_its_manifest_row_counts()
    {
        var manifests = SampleFiles.SeedNames.Select(s => ManifestSerializer.Read(SampleFiles.Output(Path.Combine("seeds", s)))).ToArray();
        var inOneSeed = manifests.SelectMany(m => m.Tables).GroupBy(t => t.Name).Where(g => g.Count() == 1).Select(g => g.Single()).ToArray();
        Assert.NotEmpty(inOneSeed);

        foreach (var table in inOneSeed)
        {
            await using var cmd = Database.DataSource.CreateCommand(
                $"select count(*) from {PgSeed.Engine.Sql.Identifier.Quote(table.Schema)}.{PgSeed.Engine.Sql.Identifier.Quote(table.Table)}");
            Assert.True(table.Rows == (long)(await cmd.ExecuteScalarAsync(Cancel))!, $"{table.Name}: expected {table.Rows} rows as in its manifest");
        }
    }

    /// <summary>Compares every public table (md5 of its sorted rows) and every sequence with the seeds imported into a new database.</summary>
    private async Task AssertEqualsFreshImportAsync()
    {
        var fresh = await ScratchDatabases.CreateSeededAsync(Database.Server, Cancel);
        try
        {
            var expected = await FingerprintAsync(Database.Server.ConnectionStringFor(fresh));
            var actual = await FingerprintAsync(Database.ConnectionString);
            Assert.Equal(expected, actual);
        }
        finally
        {
            await Database.Server.DropDatabaseAsync(fresh, CancellationToken.None);
        }
    }

    private static async Task<SortedDictionary<string, string>> FingerprintAsync(string connectionString)
    {
        const string sql = """
            select format('select %L, count(*) || '':'' || coalesce(md5(string_agg(md5(t::text), '''' order by md5(t::text))), '''') from %I.%I t',
                          relname, nspname, relname)
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and c.relkind = 'r'
            """;
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Cancel);
        var queries = new List<string>();
        await using (var list = new NpgsqlCommand(sql, connection))
        await using (var reader = await list.ExecuteReaderAsync(Cancel))
            while (await reader.ReadAsync(Cancel)) queries.Add(reader.GetString(0));
        queries.Add("select 'sequence ' || sequencename, coalesce(last_value::text, 'not called') from pg_sequences where schemaname = 'public'");
        await using var batch = new NpgsqlCommand(string.Join(" union all ", queries), connection);
        await using var rows = await batch.ExecuteReaderAsync(Cancel);
        while (await rows.ReadAsync(Cancel)) result[rows.GetString(0)] = rows.GetString(1);
        return result;
    }
}
