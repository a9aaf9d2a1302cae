using Npgsql;
using NUnit.Framework.Interfaces;
using PgSeed.Testing;

namespace PgSeed.Testing.Core.Tests;

/// <summary>
/// Each test leases a database of its own in [SetUp] and returns it in [TearDown] (reset in place for the next test),
/// so the tests run in parallel and every one starts from the seed, whatever the others wrote.
/// </summary>
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public class LeasedDatabaseTests
{
    private PgSeedLease _db = null!;

    [SetUp]
    public async Task LeaseAsync() => _db = await Databases.Shop.LeaseAsync(TestContext.CurrentContext.CancellationToken);

    [TearDown]
    public async Task ReturnAsync()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == TestStatus.Failed)
            _db.MarkFailed(TestContext.CurrentContext.Test.FullName, TestContext.Out.WriteLine);
        await _db.DisposeAsync();
    }

    /// <summary>Every test starts from the seed, then writes: the next test on the same clone sees none of it.</summary>
    [TestCase("DELETE FROM shop.order_line")]
    [TestCase("UPDATE shop.customer SET name = 'changed'")]
    [TestCase("INSERT INTO shop.customer (email, name) VALUES ('new@example.com', 'New')")]
    [TestCase("TRUNCATE shop.tag, shop.order_line")]
    [TestCase("DELETE FROM shop.customer WHERE id = 4")]
    public async Task Starts_from_the_seed_whatever_other_tests_wrote(string write)
    {
        await using var connection = await _db.OpenConnectionAsync(TestContext.CurrentContext.CancellationToken);
        Assert.That(await ScalarAsync<long>(connection, "SELECT count(*) FROM shop.customer"), Is.EqualTo(4));
        Assert.That(await ScalarAsync<long>(connection, "SELECT count(*) FROM shop.order_line"), Is.EqualTo(90));
        Assert.That(await ScalarAsync<string>(connection, "SELECT name FROM shop.customer WHERE id = 1"), Is.EqualTo("Ada"));
        Assert.That(await ScalarAsync<long>(connection, "SELECT count(*) FROM shop.tag"), Is.EqualTo(3));

        await using var cmd = new NpgsqlCommand(write, connection);
        await cmd.ExecuteNonQueryAsync(TestContext.CurrentContext.CancellationToken);
    }

    [Test]
    public void A_lease_is_a_database_of_its_own_on_the_shared_server()
    {
        Assert.That(_db.DatabaseName, Does.StartWith("pgseed_"));
        Assert.That(new NpgsqlConnectionStringBuilder(_db.ConnectionString).Database, Is.EqualTo(_db.DatabaseName));
        Assert.That(_db.Server, Is.SameAs(Databases.Shop.Server));
    }

    internal static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        return (T)(await cmd.ExecuteScalarAsync(TestContext.CurrentContext.CancellationToken))!;
    }
}
