using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Import;
using PgSeed.Engine.Tests.Infrastructure;
using static PgSeed.Engine.Tests.Import.ImportTestKit;

namespace PgSeed.Engine.Tests.Import;

/// <summary>
/// A truncating import (and a plain one of many rows into empty tables) drops the secondary indexes it can re-create
/// exactly and builds them after the load (IndexRebuild): the target ends with the same indexes, and a failure leaves
/// them as they were.
/// </summary>
public class ImportIndexRebuildTests(PostgresFixture pg)
{
    private const string Indexes = """
        create index orders_customer_idx on orders (customer_id);
        create index orders_big_idx on orders (total) include (handled_by) with (fillfactor = 70) where total > 5;
        create index orders_expr_idx on orders ((total * 3), (customer_id::text));
        comment on index orders_customer_idx is 'it''s for the FK';
        create unique index orders_unique_idx on orders (id, customer_id);
        create index orders_clustered_idx on orders (handled_by);
        alter table orders cluster on orders_clustered_idx;
        create index orders_stats_idx on orders ((total + 1));
        alter index orders_stats_idx alter column 1 set statistics 50;
        create index staff_name_idx on staff (lower(name));
        """;

    private const string IndexState = """
        select string_agg(i.indexrelid::regclass::text || ' ' || pg_get_indexdef(i.indexrelid) || ' ' || i.indisclustered || ' ' ||
                          coalesce(obj_description(i.indexrelid, 'pg_class'), '-'), E'\n' order by i.indexrelid::regclass::text)
        from pg_index i join pg_class t on t.oid = i.indrelid join pg_namespace n on n.oid = t.relnamespace
        where n.nspname = 'public'
        """;

    [Fact]
    public async Task Truncate_rebuilds_plain_secondary_indexes_after_the_load_and_leaves_the_same_indexes()
    {
        await using var source = await pg.CreateDatabaseAsync(Schema() + Data);
        await using var target = await pg.CreateDatabaseAsync(Schema() + Indexes);
        var seed = await TestSeedFolders.FromDatabaseAsync(source.ConnectionString, Tables);
        var before = await target.ScalarAsync<string>(IndexState);
        var log = new RecordingSeedLog();

        await ImportAsync(target.ConnectionString, seed, ImportMode.Truncate, log);

        Assert.Equal(before, await target.ScalarAsync<string>(IndexState));
        Assert.Equal(await SnapshotAsync(source), await SnapshotAsync(target));
        var sql = log.Of("sql").ToList();
        var dropped = sql.Where(s => s.StartsWith("DROP INDEX", StringComparison.Ordinal)).ToList();
        Assert.Equal(new[]
        {
            "DROP INDEX \"public\".\"orders_big_idx\"", "DROP INDEX \"public\".\"orders_customer_idx\"",
            "DROP INDEX \"public\".\"orders_expr_idx\"", "DROP INDEX \"public\".\"staff_name_idx\"",
        }, dropped);
        // Dropped after the TRUNCATE, built again after the last COPY and before the FKs are re-added.
        var truncate = sql.FindIndex(s => s.StartsWith("TRUNCATE", StringComparison.Ordinal));
        var lastCopy = sql.FindLastIndex(s => s.Contains("\nCOPY ", StringComparison.Ordinal));
        var firstCreate = sql.FindIndex(s => s.StartsWith("CREATE INDEX", StringComparison.Ordinal));
        var firstAddFk = sql.FindIndex(s => s.Contains(" ADD CONSTRAINT ", StringComparison.Ordinal));
        Assert.True(truncate < sql.IndexOf(dropped[0]) && sql.IndexOf(dropped[^1]) < lastCopy && lastCopy < firstCreate && firstCreate < firstAddFk,
            string.Join("\n", sql));
    }

    private const string Big = """
        create table big (id int primary key, k int, label text);
        create index big_k_idx on big (k);
        create index big_label_idx on big (lower(label));
        """;

    [Fact]
    public async Task A_plain_import_of_many_rows_into_an_empty_table_rebuilds_its_indexes_and_into_a_non_empty_one_keeps_them()
    {
        var rows = IndexRebuild.AppendRows + 500;
        await using var source = await pg.CreateDatabaseAsync(Big + $"insert into big select g, (g * 7919) % 1000, 'row ' || g from generate_series(1, {rows}) g;");
        var seed = await TestSeedFolders.FromDatabaseAsync(source.ConnectionString, "public.big");

        await using var empty = await pg.CreateDatabaseAsync(Big);
        var before = await empty.ScalarAsync<string>(IndexState);
        var log = new RecordingSeedLog();
        await ImportAsync(empty.ConnectionString, seed, ImportMode.Append, log);
        Assert.Equal(["DROP INDEX \"public\".\"big_k_idx\"", "DROP INDEX \"public\".\"big_label_idx\""],
            log.Of("sql").Where(s => s.StartsWith("DROP INDEX", StringComparison.Ordinal)));
        Assert.Equal(before, await empty.ScalarAsync<string>(IndexState));
        Assert.Equal(await SnapshotAsync(source, "public.big"), await SnapshotAsync(empty, "public.big"));

        // A row already there (another key): the indexes stay, the import only adds.
        await using var nonEmpty = await pg.CreateDatabaseAsync(Big + "insert into big values (0, 0, 'kept');");
        log = new RecordingSeedLog();
        await ImportAsync(nonEmpty.ConnectionString, seed, ImportMode.Append, log);
        Assert.DoesNotContain(log.Of("sql"), s => s.StartsWith("DROP INDEX", StringComparison.Ordinal));
        Assert.Equal(rows + 1, await nonEmpty.ScalarAsync<long>("select count(*) from big"));
    }

    [Theory]
    [InlineData(ImportMode.Append)] // a small seed: the DDL would cost more than the row-by-row index inserts
    [InlineData(ImportMode.Upsert)]
    public async Task Other_modes_keep_their_indexes_in_place(ImportMode mode)
    {
        await using var source = await pg.CreateDatabaseAsync(Schema() + Data);
        await using var target = await pg.CreateDatabaseAsync(Schema() + Indexes);
        var seed = await TestSeedFolders.FromDatabaseAsync(source.ConnectionString, Tables);
        var log = new RecordingSeedLog();

        await ImportAsync(target.ConnectionString, seed, mode, log);

        Assert.DoesNotContain(log.Of("sql"), s => s.StartsWith("DROP INDEX", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_index_failing_to_build_rolls_everything_back_naming_the_table()
    {
        await using var source = await pg.CreateDatabaseAsync(Schema() + Data);
        // Builds on the target's rows; fails on the seed's 'Cé, çà' (no row of the target has a comma).
        await using var target = await pg.CreateDatabaseAsync(Schema() + Indexes + """
            create function no_commas(t text) returns text language plpgsql immutable as
              $$ begin if t like '%,%' then raise exception 'comma in %', t; end if; return t; end $$;
            create index customer_name_idx on customer (no_commas(name));
            insert into customer (name) values ('Zed');
            """);
        var seed = await TestSeedFolders.FromDatabaseAsync(source.ConnectionString, Tables);
        var indexes = await target.ScalarAsync<string>(IndexState);
        var rows = await SnapshotAsync(target, "public.customer");

        var e = await Assert.ThrowsAsync<PgSeedException>(() => ImportAsync(target.ConnectionString, seed, ImportMode.Truncate));

        Assert.Equal("public.customer", e.Table);
        Assert.Contains("comma in", e.Message);
        Assert.Equal(indexes, await target.ScalarAsync<string>(IndexState));
        Assert.Equal(rows, await SnapshotAsync(target, "public.customer"));
        Assert.Equal(5L, await target.ScalarAsync<long>("select count(*) from pg_constraint where contype = 'f'"));
    }
}
