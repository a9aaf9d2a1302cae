using System.Diagnostics;
using Npgsql;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Testing.Servers;

namespace PgSeed.Testing.Tests;

/// <summary>
/// The fixture takes a schema the way users have it (plain pg_dump output), and every way it can fail reaches the
/// test run as a PgSeedException whose message starts with its code; an aborted run leaves nothing on the server.
/// </summary>
public sealed class FixtureFailureTests : IDisposable
{
    private sealed class Fixture(Action<PgSeedOptions> configure) : PgSeedFixture
    {
        protected override void Configure(PgSeedOptions options) => configure(options);
    }

    private readonly string _dir = Directory.CreateTempSubdirectory("pgseed-fixture-failure-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Script(string sql)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.sql");
        File.WriteAllText(path, sql);
        return path;
    }

    private static async Task<PgSeedException> FailsAsync(string code, PgSeedFixture fixture)
    {
        var e = await Assert.ThrowsAsync<PgSeedException>(() => fixture.InitializeAsync().AsTask());
        Assert.Equal(code, e.Code);
        Assert.StartsWith(code + ": ", e.Message); // what xUnit shows
        return e;
    }

    [Fact]
    public async Task Plain_pg_dump_output_with_restrict_lines_copy_data_and_atomic_bodies_builds_the_template()
    {
        // db/pg_dump: written by pg_dump -s and pg_dump -a (PostgreSQL 15.18), untouched: \restrict lines, COPY data, BEGIN ATOMIC,
        // and ALTER ... OWNER TO postgres (the role the throwaway cluster has).
        var admin = (await SharedServer.GetAsync(TestContext.Current.CancellationToken)).AdminConnectionString;
        if (await ScalarAsync<long>(admin, "select count(*) from pg_roles where rolname = 'postgres'") == 0) Assert.Skip("the dump assigns objects to role postgres");
        await using var db = new Fixture(o => o.Schema("db/pg_dump/schema.sql").Schema("db/pg_dump/data.sql"));
        await db.InitializeAsync();

        await using var lease = await db.LeaseAsync(TestContext.Current.CancellationToken);
        await using var c = await lease.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var cmd = new NpgsqlCommand(
            "select sales.order_count(1)::text || '|' || (select note from sales.customer where id = 1) || '|' || nextval('sales.customer_id_seq')", c);
        Assert.Equal("2|line1\nline2\ttab \\ back|3", await cmd.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_psql_command_the_runner_does_not_know_is_PGSEED077_with_its_line()
    {
        var path = Script("create table t (id int);\n\\set ON_ERROR_STOP on\n");
        await using var db = new Fixture(o => o.Schema(path));

        var e = await FailsAsync(ErrorCode.ScriptCommandUnsupported, db);

        Assert.Equal((path, 2), (e.File, e.Line));
        Assert.Contains("\\set", e.Message);
    }

    [Fact]
    public async Task A_failing_script_is_PGSEED072_with_its_code_and_line_in_the_message()
    {
        var path = Script("create table t (id int);\ninsert into t values ('x');\n");
        await using var db = new Fixture(o => o.Schema(path));

        var e = await FailsAsync(ErrorCode.SchemaScriptFailed, db);

        Assert.Equal(2, e.Line);
        Assert.Contains($"{path} line 2", e.Message);
    }

    [Fact]
    public async Task A_server_error_outside_the_engine_is_coded_too()
    {
        // A role that may not create databases: the template's CREATE DATABASE fails in the server.
        var admin = (await SharedServer.GetAsync(TestContext.Current.CancellationToken)).AdminConnectionString;
        var role = $"r_{Guid.NewGuid():N}"[..20];
        await ExecuteAsync(admin, $"create role \"{role}\" login password 'pw' nocreatedb");
        try
        {
            var asRole = new NpgsqlConnectionStringBuilder(admin) { Username = role, Password = "pw" }.ConnectionString;
            await using var db = new Fixture(o => o.Schema(Script("create table t (id int);")).Server(ct => ConnectAsync(asRole, ct)));

            var e = await FailsAsync(ErrorCode.PermissionDenied, db);

            Assert.Contains("permission denied to create database", e.Message);
        }
        finally
        {
            // The role's pooled sessions end server-side; other tests' pools are left alone.
            await ExecuteAsync(admin, $"select count(pg_catalog.pg_terminate_backend(pid)) from pg_catalog.pg_stat_activity where usename = '{role}'");
            await ExecuteAsync(admin, $"drop role \"{role}\"");
        }
    }

    private static async Task<IPostgresServer> ConnectAsync(string connectionString, CancellationToken cancellationToken) =>
        await ExistingPostgresServer.ConnectAsync(connectionString, cancellationToken);

    [Fact]
    public async Task A_seed_file_that_cannot_be_read_is_PGSEED037()
    {
        if (!File.Exists("/proc/self/mem")) Assert.Skip("needs Linux /proc");
        var server = await SharedServer.GetAsync(TestContext.Current.CancellationToken);
        var source = $"pgseed_src_{Guid.NewGuid():N}"[..30];
        await server.CreateDatabaseAsync(source, null, TestContext.Current.CancellationToken);
        try
        {
            await ExecuteAsync(server.ConnectionStringFor(source), "create table t (id int primary key); insert into t values (1);");
            var seed = Path.Combine(_dir, "seed");
            await SeedExporter.ExportAsync(new ExportRequest
            {
                ConnectionString = server.ConnectionStringFor(source), OutputDirectory = seed, Roots = [new RootSelection { Table = "t" }],
            }, cancellationToken: TestContext.Current.CancellationToken);
            File.Delete(Path.Combine(seed, "public.t.csv"));
            File.CreateSymbolicLink(Path.Combine(seed, "public.t.csv"), "/proc/self/mem"); // reading it fails with EIO
            await using var db = new Fixture(o => o.Schema(Script("create table t (id int primary key);")).Seed(seed));

            await FailsAsync(ErrorCode.FileAccessFailed, db);
        }
        finally
        {
            await server.DropDatabaseAsync(source, TestContext.Current.CancellationToken); // WITH (FORCE): no pool needs clearing
        }
    }

    [Fact]
    public async Task An_aborted_run_cancels_the_template_build_on_the_server_and_drops_the_half_built_template()
    {
        var server = await SharedServer.GetAsync(TestContext.Current.CancellationToken);
        var marker = Guid.NewGuid().ToString("N");
        await using var db = new Fixture(o => o.Schema(Script($"create table t (id int); select pg_sleep(30), '{marker}';")));
        using var run = new CancellationTokenSource();

        var init = db.InitializeAsync(run.Token);
        var sleeping = $"select datname from pg_stat_activity where wait_event = 'PgSleep' and query like '%{marker}%' and pid <> pg_backend_pid()";
        var clock = Stopwatch.StartNew();
        string? template;
        while ((template = await ScalarAsync<string>(server.AdminConnectionString, sleeping)) is null)
        {
            Assert.False(init.IsCompleted, "the build finished before it was cancelled");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the schema script never started");
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }
        run.Cancel();

        var e = await Assert.ThrowsAsync<PgSeedException>(() => init);
        Assert.Equal(ErrorCode.Cancelled, e.Code);
        Assert.StartsWith("PGSEED060: ", e.Message);
        clock.Restart();
        while (await ScalarAsync<long>(server.AdminConnectionString, $"select count(*) from pg_stat_activity where datname = '{template}'") > 0 ||
               await ScalarAsync<long>(server.AdminConnectionString, $"select count(*) from pg_database where datname = '{template}'") > 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"sessions or the template {template} still there 5 s after the cancellation (the script sleeps 30 s)");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task A_fixture_still_running_builds_the_template_another_fixtures_cancellation_abandoned()
    {
        // Frameworks other than xUnit may give each fixture its own token: one fixture's cancellation must not fail
        // another that waits on the same template build.
        var server = await SharedServer.GetAsync(TestContext.Current.CancellationToken);
        var marker = Guid.NewGuid().ToString("N");
        var script = Script($"create table t (id int); select pg_sleep(2), '{marker}';");
        await using var first = new Fixture(o => o.Schema(script));
        await using var second = new Fixture(o => o.Schema(script));
        using var cancelFirst = new CancellationTokenSource();

        var initFirst = first.InitializeAsync(cancelFirst.Token);
        var sleeping = $"select count(*) from pg_stat_activity where wait_event = 'PgSleep' and query like '%{marker}%' and pid <> pg_backend_pid()";
        var clock = Stopwatch.StartNew();
        while (await ScalarAsync<long>(server.AdminConnectionString, sleeping) == 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the schema script never started");
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }
        var initSecond = second.InitializeAsync(TestContext.Current.CancellationToken);
        await cancelFirst.CancelAsync();

        var e = await Assert.ThrowsAsync<PgSeedException>(() => initFirst);
        Assert.Equal(ErrorCode.Cancelled, e.Code);
        await initSecond;
        await using var lease = await second.LeaseAsync(TestContext.Current.CancellationToken);
        await using var c = new NpgsqlConnection(lease.ConnectionString);
        await c.OpenAsync(TestContext.Current.CancellationToken);
        await using var cmd = new NpgsqlCommand("select count(*) from t", c);
        Assert.Equal(0L, await cmd.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<T?> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        var value = await cmd.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }
}
