using Npgsql;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Import;
using PgSeed.Engine.Shaping;
using PgSeed.Engine.Tests.Import;
using PgSeed.Engine.Tests.Infrastructure;
using static PgSeed.Engine.Tests.Shaping.ShapingKit;

namespace PgSeed.Engine.Tests.Versions;

/// <summary>
/// Behaviour that depends on the server's major version (issue #20), each test on the majors where it matters and
/// skipped, with the reason, on the others. The version matrix (build/test.sh) runs them on 15 locally and on 13, 17
/// and 18 in containers.
/// </summary>
[Trait("Category", "Matrix")]
public class ServerMajorTests(PostgresFixture pg)
{
    private int Major => pg.Server.MajorVersion;

    [Fact]
    public async Task Virtual_generated_columns_are_neither_exported_nor_imported_and_schema_sql_keeps_them_virtual()
    {
        if (Major < 18) Assert.Skip($"PostgreSQL 18 adds virtual generated columns; this server is {Major}.");
        // In 18 a generated column without STORED is virtual: computed when read, never written.
        const string schema = """
            create table item(id int primary key, price numeric(10,2) not null, qty int not null,
                total numeric(12,2) generated always as (price * qty) virtual,
                taxed numeric(12,2) generated always as (price * qty * 1.2) stored,
                label text generated always as ('item ' || id));
            """;
        await using var s = await ExportScenario.CreateAsync(pg, schema, "insert into item(id, price, qty) values (1, 2.50, 4), (2, 10, 1)");
        var request = Request(s, "item");
        await ExportAsync(s, request); // also imports the seed into a database built from schema.sql alone

        Assert.Equal("id,price,qty", File.ReadAllLines(Path.Combine(request.OutputDirectory, "public.item.csv"))[0]);
        var sql = File.ReadAllText(Path.Combine(request.OutputDirectory, "schema.sql"));
        Assert.Contains("GENERATED ALWAYS AS ((price * (qty)::numeric)) VIRTUAL", sql);
        Assert.Contains("STORED", sql);
        await using (var copy = await SchemaSqlCheck.ImportIntoSchemaSqlAsync(pg, request.OutputDirectory))
        {
            Assert.Equal(["10.00", "10.00"], await copy.ColumnAsync("select total from item order by id"));
            Assert.Equal(["item 1", "item 2"], await copy.ColumnAsync("select label from item order by id"));
            Assert.Equal("virtual", await copy.ScalarAsync<string>(
                "select case attgenerated when 'v' then 'virtual' else 'other' end from pg_attribute where attrelid = 'item'::regclass and attname = 'total'"));
        }

        // A seed written where total was an ordinary column: the target computes it, the seed's values are skipped.
        await using var old = await ExportScenario.CreateAsync(pg, "create table item(id int primary key, price numeric(10,2) not null, qty int not null, total numeric(12,2))",
            "insert into item values (1, 2.50, 4, 999)");
        var oldRequest = Request(old, "item");
        await ExportAsync(old, oldRequest);
        await using var target = await pg.CreateDatabaseAsync(schema);
        var log = new RecordingSeedLog();
        await ImportTestKit.ImportAsync(target.ConnectionString, oldRequest.OutputDirectory, log: log, ct: Ct);
        Assert.Contains(log.Of("warning"), w => w.StartsWith(ErrorCode.GeneratedColumnSkipped) && w.Contains("total"));
        Assert.Equal(["10.00"], await target.ColumnAsync("select total::text from item"));
    }

    [Fact]
    public async Task Multiranges_round_trip_and_schema_sql_creates_the_range_type_a_multirange_column_needs()
    {
        if (Major < 14) Assert.Skip($"PostgreSQL 14 adds multirange types; this server is {Major}.");
        // The column uses only the multirange: schema.sql must still create the range type that brings it.
        const string schema = """
            create type period as range (subtype = date);
            create table booking(id int primary key, stays period_multirange not null, seats int4multirange, spans tstzmultirange);
            """;
        const string data = """
            insert into booking values
              (1, '{[2024-01-01,2024-01-05),[2024-02-01,2024-02-03)}', '{[1,3),[7,9)}', '{["2024-01-01 10:00+00","2024-01-01 12:00+00")}'),
              (2, '{}', null, '{}');
            """;
        await using var s = await ExportScenario.CreateAsync(pg, schema, data);
        var request = Request(s, "booking");
        await ExportAsync(s, request);

        Assert.Contains("CREATE TYPE public.period AS RANGE (SUBTYPE = date", File.ReadAllText(Path.Combine(request.OutputDirectory, "schema.sql")));
        await using var copy = await SchemaSqlCheck.ImportIntoSchemaSqlAsync(pg, request.OutputDirectory);
        const string rows = "select id, stays::text, seats::text, spans::text from booking order by id";
        Assert.Equal(await s.Source.ColumnAsync($"select row(x.*)::text from ({rows}) x"), await copy.ColumnAsync($"select row(x.*)::text from ({rows}) x"));
    }

    [Fact]
    public async Task Disable_triggers_works_for_a_role_granted_SET_on_session_replication_role_from_PostgreSQL_15()
    {
        await using var role = await TestRole.CreateAsync(pg.Server);
        const string schema = """
            create table t(id int primary key, n int not null);
            create function t_touch() returns trigger language plpgsql as $$ begin new.n := -1; return new; end $$;
            create trigger t_touch before insert on t for each row execute function t_touch();
            """;
        await using var s = await ExportScenario.CreateAsync(pg, schema, "alter table t disable trigger t_touch; insert into t values (1, 10), (2, 20); alter table t enable trigger t_touch");
        var request = Request(s, "t");
        await ExportAsync(s, request);
        await using var target = await pg.CreateDatabaseAsync(ImportTestKit.AsOwner(role, schema));

        var refused = await ImportTestKit.FailsAsync(ErrorCode.PermissionDenied,
            () => ImportTestKit.ImportAsync(role.ConnectionStringFor(target), request.OutputDirectory, disableTriggers: true, ct: Ct));
        Assert.Contains("PostgreSQL 15+ GRANT SET ON PARAMETER", refused.Message);
        if (Major < 15) Assert.Skip($"PostgreSQL 15 adds GRANT SET ON PARAMETER; this server is {Major} (only a superuser may set session_replication_role).");

        await using (var admin = new NpgsqlConnection(pg.Server.AdminConnectionString))
        {
            await admin.OpenAsync(Ct);
            await using var grant = new NpgsqlCommand($"GRANT SET ON PARAMETER session_replication_role TO \"{role.Name}\"", admin);
            await grant.ExecuteNonQueryAsync(Ct);
        }
        try
        {
            await ImportTestKit.ImportAsync(role.ConnectionStringFor(target), request.OutputDirectory, disableTriggers: true, ct: Ct);
            Assert.Equal(["10", "20"], await target.ColumnAsync("select n from t order by id")); // the user trigger stayed off
        }
        finally
        {
            await using var admin = new NpgsqlConnection(pg.Server.AdminConnectionString);
            await admin.OpenAsync(Ct);
            await using var revoke = new NpgsqlCommand($"REVOKE SET ON PARAMETER session_replication_role FROM \"{role.Name}\"", admin);
            await revoke.ExecuteNonQueryAsync(Ct);
        }
    }

    [Fact]
    public async Task A_server_newer_than_every_pg_dump_gets_schema_sql_from_its_catalog_after_one_warning()
    {
        // The machine's own pg_dumps (here: 15 only). Against 17 or 18 none can dump the server; against 15 the
        // newest is used. Either way schema.sql builds a database the seed imports into.
        var machine = await PgDumpLocator.FindAsync(Major, null, null, Ct);
        await using var s = await ExportScenario.CreateAsync(pg, ShapingSchemaWithPartitions, ShapingDataWithPartitions);
        var request = Request(s, "account");
        var log = await ExportAsync(s, request);
        var sql = File.ReadAllText(Path.Combine(request.OutputDirectory, "schema.sql"));
        var warnings = log.Of("warning").Where(w => w.StartsWith(ErrorCode.SchemaFromCatalog)).ToList();
        if (machine.Chosen is null)
        {
            var warning = Assert.Single(warnings);
            Assert.Contains($"The server is PostgreSQL {Major}", warning);
            Assert.Contains($"apt-get install postgresql-client-{Major}", warning);
            Assert.Contains("ExportRequest.PgDump", warning); // PGSEED_PG_DUMP in the CLI and MSBuild
            if (machine.Newest is { } newest) Assert.Contains($"the newest pg_dump found is {newest.Major}", warning);
            Assert.StartsWith("-- Schema of the tables in this seed, written by PgSeed from the server's catalog", sql);
        }
        else
        {
            Assert.Empty(warnings);
            Assert.StartsWith("-- Schema of the tables in this seed, written by PgSeed with pg_dump", sql);
            Assert.Contains(log.Of("detail"), d => d.StartsWith($"schema.sql written by pg_dump {machine.Chosen.Major}"));
        }
        Assert.Contains("CREATE TABLE public.event_2024", sql);
    }

    /// <summary>A partitioned table with sub-partitions, a default partition and FKs declared on partitions.</summary>
    internal const string ShapingSchemaWithPartitions = """
        create table account(id int generated always as identity primary key, email text not null unique, kind text not null default 'basic'
            check (kind in ('basic', 'pro')));
        create table event(id bigserial, account_id int not null references account, at date not null, note text collate "C",
            primary key (id, at)) partition by range (at);
        create table event_2024 partition of event for values from ('2024-01-01') to ('2025-01-01') partition by range (id);
        create table event_2024_a partition of event_2024 for values from (minvalue) to (100);
        create table event_2024_b partition of event_2024 default;
        create table event_rest partition of event default;
        create index event_at on event (at desc);
        """;

    internal const string ShapingDataWithPartitions = """
        insert into account(email) values ('a@x'), ('b@x');
        insert into event(account_id, at, note) values (1, '2024-03-01', 'x'), (2, '2024-04-01', null), (1, '2026-01-01', 'y');
        """;
}
