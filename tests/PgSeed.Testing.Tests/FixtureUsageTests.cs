using Npgsql;
using PgSeed.Testing.Tests.Infrastructure;

[assembly: AssemblyFixture(typeof(PgSeed.Testing.Tests.AssemblyShop))]

namespace PgSeed.Testing.Tests;

public sealed class AssemblyShop() : ShopDatabase(ResetStrategy.ChangeCapture);

public sealed class CollectionShop() : ShopDatabase(ResetStrategy.ChangeCapture);

[CollectionDefinition(Name)]
public sealed class ShopCollection : ICollectionFixture<CollectionShop>
{
    public const string Name = "shop collection";
}

/// <summary>Each test writes; whichever runs second proves the reset between them.</summary>
public sealed class AssemblyFixtureTests(AssemblyShop db) : PgSeedTest<AssemblyShop>(db)
{
    [Fact]
    public async Task First_test_sees_the_seed_and_writes() => await SeesSeedThenWritesAsync(Database);

    [Fact]
    public async Task Second_test_sees_the_seed_and_writes() => await SeesSeedThenWritesAsync(Database);

    internal static async Task SeesSeedThenWritesAsync(ShopDatabase db)
    {
        Assert.Equal(4L, await db.ScalarAsync<long>("SELECT count(*) FROM shop.customer"));
        Assert.Equal("Ada", await db.ScalarAsync<string>("SELECT name FROM shop.customer WHERE id = 1"));
        await db.ExecuteAsync("INSERT INTO shop.customer (email, name) VALUES ('x@example.com', 'X'); UPDATE shop.customer SET name = 'Changed' WHERE id = 1;");
        // Identity continues from the seeded value after every reset.
        Assert.Equal(6, await db.ScalarAsync<int>("INSERT INTO shop.customer (email, name) VALUES ('y@example.com', 'Y') RETURNING id"));
    }
}

[Collection(ShopCollection.Name)]
public sealed class CollectionFixtureFirstTests(CollectionShop db) : PgSeedTest<CollectionShop>(db)
{
    [Fact]
    public async Task Sees_the_seed_and_writes() => await AssemblyFixtureTests.SeesSeedThenWritesAsync(Database);
}

[Collection(ShopCollection.Name)]
public sealed class CollectionFixtureSecondTests(CollectionShop db) : PgSeedTest<CollectionShop>(db)
{
    [Fact]
    public async Task Sees_the_seed_and_writes() => await AssemblyFixtureTests.SeesSeedThenWritesAsync(Database);

    [Fact]
    public async Task Exposes_connection_string_data_source_and_connections()
    {
        Assert.StartsWith("pgseed_", Database.DatabaseName);
        await using var viaDataSource = await Database.DataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var viaFixture = await Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var viaString = new NpgsqlConnection(Database.ConnectionString);
        await viaString.OpenAsync(TestContext.Current.CancellationToken);
        foreach (var c in new[] { viaDataSource, viaFixture, viaString })
            Assert.Equal(Database.DatabaseName, c.Database);
    }
}

/// <summary>xUnit v3 exposes the finished test's result while the test class is disposed; the keep-failed hook relies on it.</summary>
public sealed class TestOutcomeVisibilityTests : IAsyncLifetime
{
    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    [Fact]
    public void A_passing_test() => Assert.True(true);

    public ValueTask DisposeAsync()
    {
        Assert.Equal(TestResult.Passed, TestContext.Current.TestState?.Result);
        return ValueTask.CompletedTask;
    }
}
