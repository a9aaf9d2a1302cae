using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Import;
using PgSeed.Engine.Tests.Infrastructure;
using static PgSeed.Engine.Tests.Import.ImportTestKit;

namespace PgSeed.Engine.Tests.Import;

[Trait("Category", "Matrix")] // build/test.sh runs these on every PostgreSQL major
public class ImportModeTests(PostgresFixture pg)
{
    [Fact]
    public async Task Append_into_empty_copy_reproduces_source_and_reports_tables()
    {
        await using var source = await pg.CreateDatabaseAsync(Schema() + Data);
        await using var target = await pg.CreateDatabaseAsync(Schema());
        var seed = await TestSeedFolders.FromDatabaseAsync(source.ConnectionString, Tables);
        var log = new RecordingSeedLog();

        var report = await ImportAsync(target.ConnectionString, seed, log: log);

        Assert.Equal(await SnapshotAsync(source), await SnapshotAsync(target));
        Assert.Equal(Tables.Length, report.Tables.Count);
        Assert.Equal(14, report.TotalRows);
        Assert.Contains("public.dept.dept_head_fk", report.DroppedForeignKeys);
        Assert.Contains("5 tables, 14 rows", report.Tree);
        Assert.Single(log.Of("summary"));
        // The generated column was recomputed, not copied.
        Assert.Equal("21.00", (await target.ColumnAsync("select total_x2 from orders where id = 1"))[0]);
    }

    [Fact]
    public async Task Truncate_replaces_existing_rows_in_one_statement()
    {
        await using var source = await pg.CreateDatabaseAsync(Schema() + Data);
        await using var target = await pg.CreateDatabaseAsync(Schema() + Data + "update customer set name = 'changed'; insert into customer (name) values ('extra');");
        var seed = await TestSeedFolders.FromDatabaseAsync(source.ConnectionString, Tables);
        var log = new RecordingSeedLog();

        await ImportAsync(target.ConnectionString, seed, ImportMode.Truncate, log);

        Assert.Equal(await SnapshotAsync(source), await SnapshotAsync(target));
        Assert.Single(log.Of("sql"), s => s.StartsWith("TRUNCATE TABLE \"public\".\"customer\", \"public\".\"employee\""));
        Assert.Contains(log.Of("sql"), s => s.Contains("FREEZE true"));
    }

    [Fact]
    public async Task Upsert_updates_changed_rows_keeps_others_and_is_idempotent()
    {
        await using var source = await pg.CreateDatabaseAsync(Schema() + Data);
        await using var target = await pg.CreateDatabaseAsync(Schema() + Data +
            "update customer set name = 'stale' where id = 2; delete from orders where id = 3; insert into customer (name) values ('kept');");
        var seed = await TestSeedFolders.FromDatabaseAsync(source.ConnectionString, Tables);

        await ImportAsync(target.ConnectionString, seed, ImportMode.Upsert);
        var once = await SnapshotAsync(target);
        await ImportAsync(target.ConnectionString, seed, ImportMode.Upsert);

        Assert.Equal(once, await SnapshotAsync(target));
        Assert.Equal(new[] { "Ada", "Bob \"the\" builder", "Cé, çà", "kept" }, await target.ColumnAsync("select name from customer order by id"));
        Assert.Equal(3L, await target.ScalarAsync<long>("select count(*) from orders"));
        Assert.Equal(await SnapshotAsync(source, "public.orders", "public.dept", "public.staff", "public.employee"),
                     await SnapshotAsync(target, "public.orders", "public.dept", "public.staff", "public.employee"));
    }

    [Fact]
    public async Task Upsert_of_a_table_without_key_fails_naming_it()
    {
        await using var target = await pg.CreateDatabaseAsync("create table note (body text);");
        var seed = await TestSeedFolders.FromCsvAsync(("public.note", "body\nhello\n"));

        var e = await FailsAsync(ErrorCode.UpsertWithoutKey, () => ImportAsync(target.ConnectionString, seed, ImportMode.Upsert));
        Assert.Equal("public.note", e.Table);
    }

    [Fact]
    public async Task Truncate_is_refused_when_outside_tables_reference_the_seed_unless_cascade()
    {
        const string audit = "create table audit (id int primary key, customer_id int references customer(id)); insert into audit values (1, 1);";
        await using var source = await pg.CreateDatabaseAsync(Schema() + Data);
        await using var target = await pg.CreateDatabaseAsync(Schema() + Data + audit);
        var seed = await TestSeedFolders.FromDatabaseAsync(source.ConnectionString, Tables);
        var before = await SnapshotAsync(target);

        var e = await FailsAsync(ErrorCode.TruncateReferenced, () => ImportAsync(target.ConnectionString, seed, ImportMode.Truncate));
        Assert.Contains("public.audit", e.Message);
        Assert.Equal(before, await SnapshotAsync(target));

        var report = await ImportAsync(target.ConnectionString, seed, ImportMode.Truncate, cascade: true);
        Assert.Equal(new[] { "public.audit" }, report.CascadedTables);
        Assert.Equal(0L, await target.ScalarAsync<long>("select count(*) from audit"));
        Assert.Equal(await SnapshotAsync(source), await SnapshotAsync(target));
    }

    [Fact]
    public async Task Truncate_takes_empty_referencing_tables_along_without_cascade()
    {
        // A fresh database (or a test template): the tables that reference the seed hold nothing to lose.
        const string outside = "create table audit (id int primary key, customer_id int references customer(id));" +
                               "create table audit_note (audit_id int references audit(id));";
        await using var source = await pg.CreateDatabaseAsync(Schema() + Data);
        await using var target = await pg.CreateDatabaseAsync(Schema() + outside);
        var seed = await TestSeedFolders.FromDatabaseAsync(source.ConnectionString, Tables);

        var report = await ImportAsync(target.ConnectionString, seed, ImportMode.Truncate);
        Assert.Equal(new[] { "public.audit", "public.audit_note" }, report.CascadedTables);
        Assert.Equal(await SnapshotAsync(source), await SnapshotAsync(target));

        // Once an outside table holds a row, the same import is refused and names it.
        await target.ExecuteAsync("insert into audit_note values (null)");
        var e = await FailsAsync(ErrorCode.TruncateReferenced, () => ImportAsync(target.ConnectionString, seed, ImportMode.Truncate));
        Assert.Contains("public.audit_note", e.Message);
        Assert.Equal(1L, await target.ScalarAsync<long>("select count(*) from audit_note"));
    }

    [Fact]
    public async Task Dry_run_logs_plan_and_sql_and_writes_nothing()
    {
        await using var source = await pg.CreateDatabaseAsync(Schema() + Data);
        await using var target = await pg.CreateDatabaseAsync(Schema());
        var seed = await TestSeedFolders.FromDatabaseAsync(source.ConnectionString, Tables);
        var log = new RecordingSeedLog();

        var report = await ImportAsync(target.ConnectionString, seed, ImportMode.Truncate, log, dryRun: true);

        Assert.True(report.DryRun);
        Assert.Equal(0L, await target.ScalarAsync<long>("select count(*) from customer"));
        Assert.Equal(5L, await target.ScalarAsync<long>("select count(*) from pg_constraint where contype = 'f'"));
        var sql = log.Of("sql").ToList();
        Assert.Contains(sql, s => s.StartsWith("ALTER TABLE \"public\".\"dept\" DROP CONSTRAINT \"dept_head_fk\""));
        Assert.Contains(sql, s => s.Contains("\nCOPY \"public\".\"staff\""));
        Assert.Contains(sql, s => s.StartsWith("ALTER SEQUENCE") && s.Contains("customer_id_seq RESTART WITH <max(\"id\") + 1>"));
        Assert.Contains(log.Of("detail"), d => d.Contains("dept_head_fk: dropped"));
    }

    [Fact]
    public async Task Identity_always_keeps_seed_values_in_every_mode()
    {
        const string schema = "create table item (id int generated always as identity primary key, name text);";
        await using var target = await pg.CreateDatabaseAsync(schema);
        var seed = await TestSeedFolders.FromCsvAsync(("public.item", "id,name\n7,a\n42,b\n"));

        await ImportAsync(target.ConnectionString, seed);
        await ImportAsync(target.ConnectionString, seed, ImportMode.Upsert);
        await ImportAsync(target.ConnectionString, seed, ImportMode.Truncate);

        Assert.Equal(new[] { "7", "42" }, await target.ColumnAsync("select id from item order by id"));
    }
}
