using PgSeed.Testing;

namespace PgSeed.Testing.Core.Tests;

/// <summary>
/// The databases of this test assembly, started once before any test and dropped after the last (NUnit's
/// <see cref="SetUpFixtureAttribute"/> in the root namespace covers every fixture): plain <see cref="PgSeedDatabase"/>
/// objects, no fixture base class.
/// </summary>
[SetUpFixture]
public sealed class Databases
{
    /// <summary>A database per test, leased from a pool of template clones.</summary>
    public static readonly PgSeedDatabase Shop = new(o => o
        .Schema("db/shop-schema.sql")
        .Schema("db/shop-data.sql")
        .Log(TestContext.Progress.WriteLine));

    /// <summary>One database the tests of one fixture share, reset before each test.</summary>
    public static readonly PgSeedDatabase SharedShop = new(o => o
        .Schema("db/shop-schema.sql")
        .Schema("db/shop-data.sql")
        .SingleDatabase()
        .Log(TestContext.Progress.WriteLine));

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        await Shop.InitializeAsync(TestContext.CurrentContext.CancellationToken);
        await SharedShop.InitializeAsync(TestContext.CurrentContext.CancellationToken);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await Shop.DisposeAsync();
        await SharedShop.DisposeAsync();
    }
}
