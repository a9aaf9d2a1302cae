using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Import;
using PgSeed.Engine.Tests.Infrastructure;
using static PgSeed.Engine.Tests.Import.ImportTestKit;

namespace PgSeed.Engine.Tests.Import;

/// <summary>
/// User triggers and the upsert (issue #19, 4): a <c>BEFORE UPDATE ... last_update = now()</c> trigger must not
/// rewrite the seed's values, so reruns converge; FK checks stay on; triggers come back in the state they had.
/// </summary>
[Trait("Category", "Matrix")] // build/test.sh runs these on every PostgreSQL major
public class ImportTriggerTests(PostgresFixture pg)
{
    private static readonly string[] Tables = ["public.store", "public.customer", "public.staff", "public.payment"];

    [Fact]
    public async Task Upsert_keeps_the_seed_values_where_an_update_trigger_would_rewrite_them_and_converges()
    {
        await using var source = await pg.CreateDatabaseAsync(RealWorldSchemas.Pagila + RealWorldSchemas.PagilaData);
        await using var target = await pg.CreateDatabaseAsync(RealWorldSchemas.Pagila + RealWorldSchemas.PagilaData +
            "update customer set name = 'changed' where customer_id <= 2; update store set name = 'renamed'; update payment set staff_id = 3 - staff_id;");
        var seed = await TestSeedFolders.FromDatabaseAsync(source.ConnectionString, Tables);
        var states = await TriggerStatesAsync(target);
        var log = new RecordingSeedLog();

        await ImportAsync(target.ConnectionString, seed, ImportMode.Upsert, log);
        Assert.Equal(await SnapshotAsync(source, Tables), await SnapshotAsync(target, Tables));
        await ImportAsync(target.ConnectionString, seed, ImportMode.Upsert);
        Assert.Equal(await SnapshotAsync(source, Tables), await SnapshotAsync(target, Tables));

        Assert.Contains(log.Of("sql"), s => s == "ALTER TABLE ONLY \"public\".\"customer\" DISABLE TRIGGER \"last_updated\"");
        Assert.Contains(log.Of("sql"), s => s == "ALTER TABLE ONLY \"public\".\"payment_2024_03\" DISABLE TRIGGER \"payment_touched\"");
        Assert.Contains(log.Of("detail"), d => d.Contains("public.customer: user triggers off while existing rows are updated: public.customer.last_updated"));
        // Back as they were: the application's own updates fire them again.
        Assert.Equal(states, await TriggerStatesAsync(target));
        await target.ExecuteAsync("update customer set name = 'app' where customer_id = 3");
        Assert.True(await target.ScalarAsync<bool>("select last_update > '2021-01-01' from customer where customer_id = 3"));
    }

    [Fact]
    public async Task Only_the_update_of_existing_rows_runs_without_user_triggers_and_their_states_are_restored()
    {
        const string schema = """
            create table item(id int primary key, name text not null, touched text);
            create table audit(op text, id int);
            create function audit() returns trigger language plpgsql as $$ begin insert into audit values (tg_op, new.id); return new; end $$;
            create function touch() returns trigger language plpgsql as $$ begin new.touched := 'by trigger'; return new; end $$;
            create trigger item_audit after insert or update on item for each row execute function audit();
            create trigger item_touch before update on item for each row execute function touch();
            create trigger item_always before update on item for each row execute function touch();
            alter table item enable always trigger item_always;
            create trigger item_off before update on item for each row execute function touch();
            alter table item disable trigger item_off;
            create trigger item_replica before update on item for each row execute function touch();
            alter table item enable replica trigger item_replica;
            """;
        await using var target = await pg.CreateDatabaseAsync(schema + "insert into item values (1, 'old', null); delete from audit;");
        var seed = await TestSeedFolders.FromCsvAsync(("public.item", "id,name,touched\n1,new,\n2,added,\n"));
        var states = await TriggerStatesAsync(target);

        await ImportAsync(target.ConnectionString, seed, ImportMode.Upsert);

        Assert.Equal(["1:new:<null>", "2:added:<null>"], await target.ColumnAsync("select id || ':' || name || ':' || coalesce(touched, '<null>') from item order by id"));
        // The new row was inserted as in any mode (its insert trigger fired); the update of row 1 fired nothing.
        Assert.Equal(["INSERT:2"], await target.ColumnAsync("select op || ':' || id from audit"));
        Assert.Equal(states, await TriggerStatesAsync(target));
    }

    [Fact]
    public async Task Upsert_with_update_triggers_still_checks_FKs()
    {
        await using var source = await pg.CreateDatabaseAsync(RealWorldSchemas.Pagila + RealWorldSchemas.PagilaData);
        await using var target = await pg.CreateDatabaseAsync(RealWorldSchemas.Pagila + RealWorldSchemas.PagilaData);
        var seed = await TestSeedFolders.FromCsvAsync(("public.customer", "customer_id,store_id,name,active,last_update\n1,7,moved,t,2020-01-01 00:00:00+00\n"));

        var e = await FailsAsync(ErrorCode.ForeignKeyViolation, () => ImportAsync(target.ConnectionString, seed, ImportMode.Upsert));

        Assert.Contains("customer_store_id_fkey", e.Message);
        Assert.Equal("customer 1", await target.ScalarAsync<string>("select name from customer where customer_id = 1"));
    }

    [Fact]
    public async Task A_role_that_does_not_own_the_table_is_warned_that_its_triggers_fire()
    {
        await using var role = await TestRole.CreateAsync(pg.Server);
        await using var source = await pg.CreateDatabaseAsync(RealWorldSchemas.Pagila + RealWorldSchemas.PagilaData);
        await using var target = await pg.CreateDatabaseAsync(RealWorldSchemas.Pagila + RealWorldSchemas.PagilaData + $"""
            update customer set name = 'changed' where customer_id = 1;
            grant usage on schema public to "{role.Name}";
            grant select, insert, update on all tables in schema public to "{role.Name}";
            grant select, update, usage on all sequences in schema public to "{role.Name}";
            """);
        var seed = await TestSeedFolders.FromDatabaseAsync(source.ConnectionString, "public.store", "public.customer");
        var log = new RecordingSeedLog();

        await ImportAsync(role.ConnectionStringFor(target), seed, ImportMode.Upsert, log);

        Assert.Contains(log.Of("warning"), w => w.StartsWith(ErrorCode.UpsertTriggersFire, StringComparison.Ordinal) && w.Contains("public.customer.last_updated"));
        Assert.Equal("customer 1", await target.ScalarAsync<string>("select name from customer where customer_id = 1"));
    }

    [Fact]
    public async Task A_partitioned_tables_update_trigger_is_silenced_for_its_owner_who_is_no_superuser()
    {
        // Before PostgreSQL 15 the trigger's copies on the partitions are internal triggers (pg_trigger.tgisinternal);
        // their owner may still disable them, on every major the matrix runs (checked on 13, 17, 18).
        await using var role = await TestRole.CreateAsync(pg.Server);
        await using var target = await pg.CreateDatabaseAsync($"""
            create table reading(id int, at date not null, value int, touched text, primary key (id, at)) partition by range (at);
            create table reading_2024 partition of reading for values from ('2024-01-01') to ('2025-01-01');
            create function touch() returns trigger language plpgsql as $$ begin new.touched := 'by trigger'; return new; end $$;
            create trigger reading_touch before update on reading for each row execute function touch();
            insert into reading values (1, '2024-05-01', 1, null);
            alter table reading owner to "{role.Name}";
            alter table reading_2024 owner to "{role.Name}";
            grant usage on schema public to "{role.Name}";
            """);
        var seed = await TestSeedFolders.FromCsvAsync(("public.reading", "id,at,value,touched\n1,2024-05-01,2,\n"));
        var log = new RecordingSeedLog();

        await ImportAsync(role.ConnectionStringFor(target), seed, ImportMode.Upsert, log);

        Assert.Equal("2:<null>", await target.ScalarAsync<string>("select value || ':' || coalesce(touched, '<null>') from reading where id = 1"));
        Assert.Empty(log.Of("warning"));
        Assert.Equal(["O", "O"], await target.ColumnAsync("select tgenabled::text from pg_trigger where tgname = 'reading_touch' order by tgrelid::regclass::text"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Upsert_leaves_no_row_outside_the_seed_referencing_a_changed_key_even_with_triggers_off(bool disableTriggers)
    {
        // city is outside the seed and references country by its code, a unique key the upsert may change. With
        // triggers off PostgreSQL checks nothing, so PgSeed checks those references itself.
        await using var target = await pg.CreateDatabaseAsync("""
            create table country(id int primary key, code text not null unique, name text);
            create table city(id int primary key, country_code text references country(code));
            insert into country values (1, 'DE', 'Germany'), (2, 'FR', 'France');
            insert into city values (10, 'DE'), (11, null);
            """);
        var seed = await TestSeedFolders.FromCsvAsync(("public.country", "id,code,name\n1,XX,Germany\n2,FR,France\n"));
        var log = new RecordingSeedLog();

        var e = await FailsAsync(ErrorCode.ForeignKeyViolation,
            () => ImportAsync(target.ConnectionString, seed, ImportMode.Upsert, log, disableTriggers: disableTriggers));

        Assert.Contains("city_country_code_fkey", e.Message);
        Assert.Equal(["DE", "FR"], await target.ColumnAsync("select code from country order by id"));
        // Renaming a key nothing references is fine.
        await target.ExecuteAsync("delete from city");
        await ImportAsync(target.ConnectionString, seed, ImportMode.Upsert, disableTriggers: disableTriggers);
        Assert.Equal(["XX", "FR"], await target.ColumnAsync("select code from country order by id"));
    }

    private static Task<List<string>> TriggerStatesAsync(TestDatabase db) =>
        db.ColumnAsync("select tgrelid::regclass || '.' || tgname || ':' || tgenabled::text from pg_trigger where not tgisinternal order by 1");
}
