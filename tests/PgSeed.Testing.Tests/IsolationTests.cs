using Npgsql;
using PgSeed.Testing.Servers;
using PgSeed.Testing.Tests.Infrastructure;

namespace PgSeed.Testing.Tests;

public sealed class IsolationTests
{
    [Fact]
    public async Task Two_fixtures_with_one_configuration_never_see_each_others_data()
    {
        await using var a = new SingleChangeCaptureShop();
        await using var b = new SingleChangeCaptureShop();
        await Task.WhenAll(a.InitializeAsync().AsTask(), b.InitializeAsync().AsTask());
        Assert.NotEqual(a.DatabaseName, b.DatabaseName);

        // Concurrent writes and resets in both.
        async Task WriteAndResetAsync(ShopDatabase db, string name)
        {
            for (var i = 0; i < 5; i++)
            {
                await db.ExecuteAsync($"INSERT INTO shop.customer (email, name) VALUES ('{name}{i}@example.com', '{name}'); DELETE FROM shop.order_line WHERE order_id = {i + 1};");
                Assert.Equal(0L, await db.ScalarAsync<long>($"SELECT count(*) FROM shop.customer WHERE name = '{(name == "a" ? "b" : "a")}'"));
                await db.ResetAsync(TestContext.Current.CancellationToken);
            }
            await db.ExecuteAsync($"INSERT INTO shop.customer (email, name) VALUES ('{name}@example.com', '{name}')");
        }
        await Task.WhenAll(WriteAndResetAsync(a, "a"), WriteAndResetAsync(b, "b"));

        Assert.Equal(1L, await a.ScalarAsync<long>("SELECT count(*) FROM shop.customer WHERE name = 'a'"));
        Assert.Equal(0L, await a.ScalarAsync<long>("SELECT count(*) FROM shop.customer WHERE name = 'b'"));
        Assert.Equal(0L, await b.ScalarAsync<long>("SELECT count(*) FROM shop.customer WHERE name = 'a'"));
        await b.ResetAsync(TestContext.Current.CancellationToken);
        (await DatabaseState.CaptureAsync(b.ConnectionString)).ShouldEqual(b.Seeded);
    }

    [Fact]
    public async Task Disposing_a_fixture_drops_its_database()
    {
        var db = new SingleCloneShop();
        await db.InitializeAsync();
        var name = db.DatabaseName;
        await db.DisposeAsync();
        await using var admin = new NpgsqlConnection(db.Server.AdminConnectionString);
        await admin.OpenAsync(TestContext.Current.CancellationToken);
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = $1", admin) { Parameters = { new() { Value = name } } };
        Assert.Equal(0L, (long)(await cmd.ExecuteScalarAsync(TestContext.Current.CancellationToken))!);
    }
}

/// <summary>PGSEED_KEEP_FAILED=1 in single-database mode: a failed test's database is renamed aside and kept; the fixture carries on with a fresh clone.</summary>
[Collection(KeepFailedTests.Serial)]
public sealed class KeepFailedTests
{
    public const string Serial = "environment variable PGSEED_KEEP_FAILED";

    [Fact]
    public async Task Failed_test_database_is_kept_only_when_asked()
    {
        await using var db = new SingleChangeCaptureShop();
        await db.InitializeAsync();
        try
        {
            await db.ExecuteAsync("UPDATE shop.customer SET name = 'evidence' WHERE id = 1");

            // Without the variable: a failure changes nothing.
            Environment.SetEnvironmentVariable(PgSeedFixture.KeepFailedVariable, null);
            db.MarkTestFailed("first failure");
            await db.ResetAsync(TestContext.Current.CancellationToken);
            Assert.Empty(db.KeptDatabases);
            Assert.Equal(ResetOutcome.Restored, db.LastReset);

            Environment.SetEnvironmentVariable(PgSeedFixture.KeepFailedVariable, "1");
            await db.ExecuteAsync("UPDATE shop.customer SET name = 'evidence' WHERE id = 1");
            await db.ResetAsync(TestContext.Current.CancellationToken); // passing test: nothing kept
            Assert.Empty(db.KeptDatabases);

            await db.ExecuteAsync("UPDATE shop.customer SET name = 'evidence' WHERE id = 1");
            db.MarkTestFailed("second failure");
            await db.ResetAsync(TestContext.Current.CancellationToken);
            var kept = Assert.Single(db.KeptDatabases);
            Assert.Equal(ResetOutcome.Recloned, db.LastReset);

            await using (var c = new NpgsqlConnection(db.Server.ConnectionStringFor(kept)))
            {
                await c.OpenAsync(TestContext.Current.CancellationToken);
                await using var cmd = new NpgsqlCommand("SELECT name FROM shop.customer WHERE id = 1", c);
                Assert.Equal("evidence", await cmd.ExecuteScalarAsync(TestContext.Current.CancellationToken));
            }
            // The fixture goes on under its usual name, seeded, with change capture working.
            (await DatabaseState.CaptureAsync(db.ConnectionString)).ShouldEqual(db.Seeded);
            await db.ExecuteAsync("DELETE FROM shop.order_line");
            await db.ResetAsync(TestContext.Current.CancellationToken);
            Assert.Equal(ResetOutcome.Restored, db.LastReset);
            (await DatabaseState.CaptureAsync(db.ConnectionString)).ShouldEqual(db.Seeded);

            await db.Server.DropDatabaseAsync(kept, TestContext.Current.CancellationToken);
        }
        finally
        {
            Environment.SetEnvironmentVariable(PgSeedFixture.KeepFailedVariable, null);
            if (db.Server is LocalPostgresServer local) local.KeepOnExit = false; // this was only a drill
        }
    }
}
