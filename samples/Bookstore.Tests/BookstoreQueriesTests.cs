namespace Bookstore.Tests;

/// <summary>The data layer's read queries against the seeded rows.</summary>
public sealed class BookstoreQueriesTests(BookstoreDatabase db) : PgSeedTest<BookstoreDatabase>(db)
{
    private BookstoreQueries Queries => new(Database.DataSource);
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Category_path_walks_the_self_referencing_tree_to_the_root()
    {
        Assert.Equal("Fiction", await Queries.CategoryPathAsync(1, Cancel));
        Assert.Equal("Fiction > Classics 7 > Collection 25", await Queries.CategoryPathAsync(25, Cancel));
    }

    [Fact]
    public async Task A_seeded_customer_has_orders_with_totals_and_the_store_manager_resolves_through_the_cycle()
    {
        var orders = await Queries.OrdersOfAsync(SeededCustomerId, Cancel);

        Assert.NotEmpty(orders);
        Assert.All(orders, o => Assert.True(o.Lines > 0 && o.Total > 0, $"order {o.Id} has no lines"));
        Assert.Equal(orders.OrderByDescending(o => o.OrderedAt).ThenByDescending(o => o.Id), orders);
        var inStore = orders.First(o => o.Store is not null);
        Assert.NotNull(await Queries.ManagerOfStoreThatServedAsync(inStore.Id, Cancel));
    }

    /// <summary>Oliver Sato, German, first row of the german-customers seed, with orders in a store and online.</summary>
    internal const int SeededCustomerId = 7;
}
