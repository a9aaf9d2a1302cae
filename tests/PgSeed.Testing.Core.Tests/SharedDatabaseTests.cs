using Npgsql;
using PgSeed.Testing;

namespace PgSeed.Testing.Core.Tests;

/// <summary>
/// Single-database mode: the tests of this fixture share one database, reset in [SetUp]; they do not run in parallel
/// with each other (NUnit's default within a fixture).
/// </summary>
[NonParallelizable]
public class SharedDatabaseTests
{
    [SetUp]
    public Task ResetAsync() => Databases.SharedShop.ResetAsync(TestContext.CurrentContext.CancellationToken);

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public async Task Each_test_finds_the_database_reset(int run)
    {
        await using var connection = await Databases.SharedShop.OpenConnectionAsync(TestContext.CurrentContext.CancellationToken);
        Assert.That(await LeasedDatabaseTests.ScalarAsync<long>(connection, "SELECT count(*) FROM shop.customer"), Is.EqualTo(4), $"run {run}");
        // The sequence is back too: every run's insert gets the same id.
        var id = await LeasedDatabaseTests.ScalarAsync<int>(connection, "INSERT INTO shop.customer (email, name) VALUES ('x@example.com', 'X') RETURNING id");
        Assert.That(id, Is.EqualTo(5));
    }

    [Test]
    public void Leasing_is_refused_in_single_database_mode() =>
        Assert.That(async () => await Databases.SharedShop.LeaseAsync(),
            Throws.TypeOf<PgSeed.Engine.Diagnostics.PgSeedException>().With.Property("Code").EqualTo(TestingErrorCode.LeaseMisuse));
}
