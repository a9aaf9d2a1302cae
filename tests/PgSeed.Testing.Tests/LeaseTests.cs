using Npgsql;
using PgSeed.Engine.Diagnostics;
using PgSeed.Testing.Servers;
using PgSeed.Testing.Tests.Infrastructure;

namespace PgSeed.Testing.Tests;

/// <summary>Leases through the xUnit fixture, and what goes wrong: leases outside tests, leases left out, a pool that cannot grow.</summary>
public sealed class LeaseTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_test_that_leases_sees_the_fixture_members_as_its_own_database()
    {
        await using var db = new ChangeCaptureShop();
        await db.InitializeAsync();
        await using (var lease = await db.LeaseAsync(Cancel))
        {
            Assert.Equal(lease.DatabaseName, db.DatabaseName);
            Assert.Equal(lease.ConnectionString, db.ConnectionString);
            Assert.Same(lease.DataSource, db.DataSource);
            await using var c = await db.OpenConnectionAsync(Cancel);
            Assert.Equal(lease.DatabaseName, c.Database);
        }
        // Returned: the test holds no lease any more.
        Assert.Equal(TestingErrorCode.LeaseMisuse, Assert.Throws<PgSeedException>(() => db.ConnectionString).Code);
    }

    [Fact]
    public async Task The_pattern_without_the_base_class_leases_on_reset_and_returns_on_outcome()
    {
        await using var db = new ChangeCaptureShop();
        await db.InitializeAsync();
        await db.ResetAsync(Cancel); // what a test class's InitializeAsync does without PgSeedTest
        var leased = db.DatabaseName;
        await db.ExecuteAsync("DELETE FROM shop.order_line");
        db.RecordTestOutcome();     // its DisposeAsync: the lease goes back, reset in the background
        for (var i = 0; i < 100 && db.Pool!.Leased > 0; i++) await Task.Delay(20, Cancel);
        Assert.Equal(0, db.Pool!.Leased);
        await using var next = await db.LeaseAsync(Cancel);
        Assert.Equal(leased, next.DatabaseName);
        (await DatabaseState.CaptureAsync(next.ConnectionString)).ShouldEqual(db.Seeded);
    }

    [Fact]
    public async Task A_lease_outside_a_running_test_is_refused()
    {
        await using var db = new ChangeCaptureShop();
        await db.InitializeAsync();
        Task<PgSeedLease> outside;
        // No flow of the test's context: the call happens as if from a fixture or a static initialiser.
        using (ExecutionContext.SuppressFlow())
            outside = Task.Run(async () => await db.LeaseAsync(CancellationToken.None));
        var e = await Assert.ThrowsAsync<PgSeedException>(() => outside);
        Assert.Equal(TestingErrorCode.LeaseMisuse, e.Code);
        Assert.Contains("outside a running test", e.Message);
    }

    [Fact]
    public async Task Disposing_the_fixture_with_leases_out_drops_them_and_says_so()
    {
        var db = new ChangeCaptureShop();
        await db.InitializeAsync();
        var first = await db.LeaseAsync(Cancel);
        var second = await db.LeaseAsync(Cancel);
        var names = new[] { first.DatabaseName, second.DatabaseName };
        var e = await Assert.ThrowsAsync<PgSeedException>(async () => await db.DisposeAsync());
        Assert.Equal(TestingErrorCode.LeasesOutstanding, e.Code);
        Assert.Contains("2 lease(s)", e.Message);
        Assert.Equal(0L, await CountDatabasesAsync(db.Server, names));
        await first.DisposeAsync(); // late returns are harmless
        await second.DisposeAsync();
    }

    [Fact]
    public async Task A_pool_the_server_refuses_to_grow_reports_why_and_leaves_no_database()
    {
        const string role = "pgseed_nogrow";
        var shared = await SharedServer.GetAsync(Cancel);
        await ExecuteAsync(shared.AdminConnectionString,
            $"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN CREATE ROLE {role} LOGIN CREATEDB PASSWORD '{role}'; END IF; END $$; ALTER ROLE {role} CREATEDB;");
        var asRole = new NpgsqlConnectionStringBuilder(shared.AdminConnectionString) { Username = role, Password = role }.ConnectionString;
        var server = await ExistingPostgresServer.ConnectAsync(asRole, Cancel);
        await using var db = new PgSeedDatabase(o => o.Schema("db/shop-schema.sql").Server(server));
        await db.InitializeAsync(Cancel);
        var names = new List<string>();
        await using (var first = await db.LeaseAsync(Cancel))
        {
            names.Add(first.DatabaseName);
            // The server now refuses new databases (as it would at max_connections or a role's CONNECTION LIMIT).
            await ExecuteAsync(shared.AdminConnectionString, $"ALTER ROLE {role} NOCREATEDB");
            try
            {
                var e = await Assert.ThrowsAsync<PgSeedException>(async () => await db.LeaseAsync(Cancel));
                Assert.Equal(TestingErrorCode.PoolCannotGrow, e.Code);
                Assert.Contains("permission denied to create database", e.Message);
                Assert.Contains("maxParallelThreads", e.Message);
            }
            finally
            {
                await ExecuteAsync(shared.AdminConnectionString, $"ALTER ROLE {role} CREATEDB");
            }
        }
        await db.DisposeAsync();
        Assert.Equal(0L, await CountDatabasesAsync(shared, names));
        Assert.Equal(1, db.Pool!.Created);
    }

    private static async Task<long> CountDatabasesAsync(IPostgresServer server, IEnumerable<string> names)
    {
        await using var admin = new NpgsqlConnection(server.AdminConnectionString);
        await admin.OpenAsync(Cancel);
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = ANY($1)", admin) { Parameters = { new() { Value = names.ToArray() } } };
        return (long)(await cmd.ExecuteScalarAsync(Cancel))!;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync(Cancel);
        await new NpgsqlCommand(sql, c).ExecuteNonQueryAsync(Cancel);
    }
}

/// <summary>PGSEED_KEEP_FAILED=1 with leases: the failed test's database is kept, a psql command printed, the pool goes on.</summary>
[Collection(KeepFailedTests.Serial)]
public sealed class KeepFailedLeaseTests
{
    [Fact]
    public async Task A_failed_lease_is_kept_with_a_psql_command_and_the_pool_carries_on()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var db = new ChangeCaptureShop();
        await db.InitializeAsync();
        var output = new List<string>();
        Environment.SetEnvironmentVariable(PgSeedDatabase.KeepFailedVariable, "1");
        try
        {
            string leased;
            await using (var lease = await db.LeaseAsync(cancel))
            {
                leased = lease.DatabaseName;
                await db.ExecuteAsync("UPDATE shop.customer SET name = 'evidence' WHERE id = 1");
                lease.MarkFailed("Deliberately failing test", output.Add);
            }
            var kept = Assert.Single(db.KeptDatabases);
            var message = Assert.Single(output);
            Assert.Contains($"kept database {kept} of failed test 'Deliberately failing test'", message);
            var psql = message.Split('\n').Last().Trim();
            Assert.StartsWith("psql -h ", psql);
            Assert.EndsWith($"-d {kept}", psql);
            Assert.DoesNotContain("assword", message);
            await using (var c = new NpgsqlConnection(db.Server.ConnectionStringFor(kept)))
            {
                await c.OpenAsync(cancel);
                Assert.Equal("evidence", await new NpgsqlCommand("SELECT name FROM shop.customer WHERE id = 1", c).ExecuteScalarAsync(cancel));
            }
            // The clone under the usual name is fresh and goes back into the pool.
            await using (var next = await db.LeaseAsync(cancel))
            {
                Assert.Equal(leased, next.DatabaseName);
                (await DatabaseState.CaptureAsync(next.ConnectionString)).ShouldEqual(db.Seeded);
            }
            await db.Server.DropDatabaseAsync(kept, cancel);
        }
        finally
        {
            Environment.SetEnvironmentVariable(PgSeedDatabase.KeepFailedVariable, null);
            if (db.Server is LocalPostgresServer local) local.KeepOnExit = false; // this was only a drill
        }
    }
}
