namespace Bookstore.Tests;

/// <summary>The data layer, tested against the checked-in seeds loaded into an empty bookstore schema.</summary>
public sealed class BookstoreQueriesTests(BookstoreServer postgres)
{
    [Fact]
    public async Task Category_path_walks_the_self_referencing_tree_to_the_root()
    {
        await using var db = await postgres.SeededDatabaseAsync("catalog");
        var queries = new BookstoreQueries(db);

        Assert.Equal("Fiction", await queries.CategoryPathAsync(1, TestContext.Current.CancellationToken));
        Assert.Equal("Fiction > Classics 7 > Collection 25", await queries.CategoryPathAsync(25, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_seeded_customer_has_orders_with_totals_and_the_store_manager_resolves_through_the_cycle()
    {
        await using var db = await postgres.SeededDatabaseAsync("german-customers");
        var queries = new BookstoreQueries(db);
        await using var first = db.CreateCommand("select min(id) from customer");
        var customerId = (int)(await first.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;

        var orders = await queries.OrdersOfAsync(customerId, TestContext.Current.CancellationToken);

        Assert.NotEmpty(orders);
        Assert.All(orders, o => Assert.True(o.Lines > 0 && o.Total > 0, $"order {o.Id} has no lines"));
        Assert.Equal(orders.OrderByDescending(o => o.OrderedAt).ThenByDescending(o => o.Id), orders);
        var inStore = orders.FirstOrDefault(o => o.Store is not null);
        if (inStore is not null)
            Assert.NotNull(await queries.ManagerOfStoreThatServedAsync(inStore.Id, TestContext.Current.CancellationToken));
    }
}
