using Npgsql;
using PgSeed.Testing;
using PgSeed.Testing.Servers;

namespace PgSeed.Testing.Core.Tests;

/// <summary>
/// The whole life cycle in one method, as any code can run it (a console app, a benchmark, another framework): start a
/// server, build the database, lease, write, reset, dispose; afterwards nothing of PgSeed's is left on the server.
/// </summary>
public class WithoutFrameworkHooksTests
{
    [Test]
    public async Task Server_database_lease_reset_and_dispose_by_hand()
    {
        var cancel = TestContext.CurrentContext.CancellationToken;
        await using var server = await TestServers.StartAsync(cancel); // PGSEED_TEST_SERVER / PGSEED_TEST_CONNECTION, else a local cluster or container
        string leased;
        var db = new PgSeedDatabase(o => o.Schema("db/shop-schema.sql").Server(server));
        try
        {
            await db.InitializeAsync(cancel);
            await using var lease = await db.LeaseAsync(cancel);
            leased = lease.DatabaseName;
            await using (var connection = await lease.OpenConnectionAsync(cancel))
            {
                await using var insert = new NpgsqlCommand("INSERT INTO shop.category (name) VALUES ('by hand')", connection);
                await insert.ExecuteNonQueryAsync(cancel);
            }
            Assert.That(await lease.ResetAsync(cancel), Is.EqualTo(ResetOutcome.Restored));
            await using (var connection = await lease.OpenConnectionAsync(cancel))
                Assert.That(await LeasedDatabaseTests.ScalarAsync<long>(connection, "SELECT count(*) FROM shop.category"), Is.Zero);
        }
        finally
        {
            await db.DisposeAsync();
        }

        // The database drops its clones; the server (passed in with .Server(server)) is still the caller's to stop.
        await using var admin = new NpgsqlConnection(server.AdminConnectionString);
        await admin.OpenAsync(cancel);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_catalog.pg_database WHERE datname = $1", admin) { Parameters = { new() { Value = leased } } };
        Assert.That((long)(await count.ExecuteScalarAsync(cancel))!, Is.Zero);
    }
}
