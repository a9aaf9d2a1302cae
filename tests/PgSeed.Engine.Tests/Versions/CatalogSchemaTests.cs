using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Shaping;
using PgSeed.Engine.Tests.Infrastructure;
using static PgSeed.Engine.Tests.Shaping.ShapingKit;

namespace PgSeed.Engine.Tests.Versions;

/// <summary>
/// schema.sql written from the server's catalog (what an export falls back to when no pg_dump can dump the server,
/// or PGSEED_PG_DUMP=none): the database it builds has the source's tables exactly — columns, defaults, identity and
/// generated columns, collations, constraints, indexes, triggers, partitions and sequences — on every major.
/// </summary>
[Trait("Category", "Matrix")]
public class CatalogSchemaTests(PostgresFixture pg)
{
    private const string Schema = """
        create schema app;
        create type app.mood as enum ('ok', 'meh');
        create domain app.positive as int check (value > 0);
        create type app.pair as (a int, b text);
        create sequence app.shared_seq start 50 increment 5;
        create function app.noop() returns trigger language plpgsql as $$ begin return new; end $$;
        create table app.customer(
            id int generated always as identity (start with 10 increment by 2) primary key,
            code text collate "C" not null unique,
            mood app.mood not null default 'ok',
            moods app.mood[],
            score app.positive,
            ticket bigint not null default nextval('app.shared_seq'),
            shout text generated always as (upper(code) || '!') stored,
            extra app.pair,
            constraint code_len check (length(code) < 20));
        alter table app.customer add constraint score_cap check (score < 1000) not valid;
        create table app.orders(id bigserial primary key, customer_id int not null, placed date not null, qty int not null,
            exclude using btree (customer_id with =, placed with =) where (qty > 100));
        alter table app.orders add constraint orders_customer_fk foreign key (customer_id) references app.customer on delete cascade deferrable initially deferred;
        create index orders_double on app.orders ((qty * 2));
        create index orders_partial on app.orders (placed desc) where qty > 3;
        create trigger orders_touch before insert or update of qty on app.orders for each row when (new.qty > 0) execute function app.noop();
        create trigger orders_off after delete on app.orders for each statement execute function app.noop();
        alter table app.orders disable trigger orders_off;
        create unlogged table app.scratch(id int primary key, note text);
        create table app.event(id bigserial, customer_id int not null, at date not null, kind text not null default 'x' check (kind <> ''),
            primary key (id, at)) partition by range (at);
        create table app.event_2024 partition of app.event for values from ('2024-01-01') to ('2025-01-01') partition by list (id);
        create table app.event_2024_x partition of app.event_2024 for values in (1, 2);
        create table app.event_2024_other partition of app.event_2024 default;
        create table app.event_rest partition of app.event default;
        create index event_kind on app.event (kind);
        create index event_rest_customer on app.event_rest (customer_id);
        alter table app.event_rest add constraint event_rest_late check (at >= '2025-01-01');
        alter table app.event add constraint event_customer_fk foreign key (customer_id) references app.customer;
        create trigger event_touch before insert on app.event for each row execute function app.noop();
        create table app.note(id int primary key, event_id bigint not null, event_at date not null,
            constraint note_event_fk foreign key (event_id, event_at) references app.event);
        """;

    private const string Data = """
        insert into app.customer(code, moods, score, extra) values ('ann', '{ok,meh}', 5, row(1, 'x')), ('bob', null, null, null);
        insert into app.orders(customer_id, placed, qty) values (10, '2024-01-01', 3), (12, '2024-02-01', 200);
        insert into app.scratch values (1, 'n');
        insert into app.event(customer_id, at, kind) values (10, '2024-05-01', 'x'), (12, '2024-06-01', 'y'), (10, '2026-01-01', 'x');
        insert into app.note values (1, 1, '2024-05-01'), (2, 3, '2026-01-01');
        """;

    /// <summary>Everything schema.sql must reproduce, one line per fact, for the tables of schema app.</summary>
    private const string Fingerprint = """
        with rel as (select c.oid, c.relname, c.relkind, c.relpersistence from pg_class c join pg_namespace n on n.oid = c.relnamespace
                     where n.nspname = 'app' and c.relkind in ('r', 'p'))
        select line from (
          select format('column %s.%s %s notnull=%s default=%s generated=%s identity=%s collation=%s', r.relname, a.attname,
                        format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attgenerated, a.attidentity,
                        (select collname from pg_collation where oid = a.attcollation)) as line
          from rel r join pg_attribute a on a.attrelid = r.oid and a.attnum > 0 and not a.attisdropped
          left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
          union all
          select format('table %s kind=%s persistence=%s key=%s bound=%s', r.relname, r.relkind, r.relpersistence,
                        case when r.relkind = 'p' then pg_get_partkeydef(r.oid) end, pg_get_expr(c.relpartbound, c.oid))
          from rel r join pg_class c on c.oid = r.oid
          union all
          select format('constraint %s.%s %s valid=%s deferrable=%s', r.relname, k.conname, pg_get_constraintdef(k.oid), k.convalidated, k.condeferrable)
          from rel r join pg_constraint k on k.conrelid = r.oid and k.contype in ('c', 'p', 'u', 'x', 'f')
          union all
          select format('index %s.%s', r.relname, pg_get_indexdef(i.indexrelid)) from rel r join pg_index i on i.indrelid = r.oid
          union all
          select format('trigger %s.%s enabled=%s', r.relname, pg_get_triggerdef(t.oid), t.tgenabled)
          from rel r join pg_trigger t on t.tgrelid = r.oid and not t.tgisinternal
          union all
          select format('sequence %s %s start=%s inc=%s min=%s max=%s cache=%s cycle=%s', s.relname, format_type(q.seqtypid, null), q.seqstart,
                        q.seqincrement, q.seqmin, q.seqmax, q.seqcache, q.seqcycle)
          from pg_sequence q join pg_class s on s.oid = q.seqrelid join pg_namespace n on n.oid = s.relnamespace where n.nspname = 'app'
        ) facts order by line
        """;

    [Fact]
    public async Task Schema_sql_from_the_catalog_rebuilds_the_tables_exactly_as_the_source_has_them()
    {
        SchemaDumper.PgDumpOverride.Value = PgDumpLocator.NoneValue; // AsyncLocal: this test's exports only
        await using var s = await ExportScenario.CreateAsync(pg, Schema, Data);
        var request = s.Request(new RootSelection { Table = "app.orders" }, new RootSelection { Table = "app.note" }, new RootSelection { Table = "app.scratch" })
            with { Parallel = 1 };
        var log = await ExportAsync(s, request); // also imports the seed into a database built from schema.sql alone

        Assert.DoesNotContain(log.Of("warning"), w => w.StartsWith(ErrorCode.SchemaFromCatalog)); // asked for: nothing to warn about
        Assert.Contains(log.Of("detail"), d => d == "schema.sql written from the catalog");
        var sql = File.ReadAllText(Path.Combine(request.OutputDirectory, "schema.sql"));
        Assert.StartsWith("-- Schema of the tables in this seed, written by PgSeed from the server's catalog", sql);
        Assert.Contains("-- Name: orders orders_customer_fk; Type: FK CONSTRAINT; Schema: app; Owner: -", sql); // pg_dump's headers: diff compares object by object

        await using var copy = await SchemaSqlCheck.ImportIntoSchemaSqlAsync(pg, request.OutputDirectory);
        var expected = await s.Source.ColumnAsync(Fingerprint);
        var actual = await copy.ColumnAsync(Fingerprint);
        Assert.True(expected.SequenceEqual(actual),
            $"missing: {string.Join("\n  ", expected.Except(actual))}\nextra: {string.Join("\n  ", actual.Except(expected))}");

        // Byte-identical for the same schema.
        var again = request with { OutputDirectory = s.NewFolder() };
        await ExportAsync(s, again);
        Assert.Equal(sql, File.ReadAllText(Path.Combine(again.OutputDirectory, "schema.sql")));
    }
}
