using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace EfCoreShop.Tests;

public sealed class OrderTests(ShopDatabase db) : PgSeedTest<ShopDatabase>(db)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Seeded_orders_read_with_their_enum_status_and_lines()
    {
        await using var context = Database.CreateContext();
        var orders = await context.Orders.Include(o => o.Lines).OrderBy(o => o.Id).ToListAsync(Cancel);
        Assert.Equal([OrderStatus.Shipped, OrderStatus.Paid, OrderStatus.Pending, OrderStatus.Cancelled], orders.Select(o => o.Status));
        Assert.Equal(2, orders[0].Lines.Count);
    }

    [Fact]
    public async Task Placing_an_order_uses_the_next_id_and_the_next_test_sees_only_the_seed()
    {
        await using var context = Database.CreateContext();
        var customer = await context.Customers.SingleAsync(c => c.Email == "grace@example.com", Cancel);
        var order = new Order { Customer = customer, Status = OrderStatus.Pending, PlacedAt = DateTime.UtcNow, Lines = [new OrderLine { LineNo = 1, ProductId = 2, Quantity = 3 }] };
        context.Orders.Add(order);
        await context.SaveChangesAsync(Cancel);
        Assert.Equal(5, order.Id); // the seed import moved the identity past the seeded rows
        Assert.Equal(5, await context.Orders.CountAsync(Cancel));
    }

    [Fact]
    public async Task Status_counts_read_through_plain_ADO_NET_on_the_fixture_data_source()
    {
        await using var connection = await Database.OpenConnectionAsync(Cancel);
        await using var cmd = new NpgsqlCommand("SELECT \"Status\", count(*) FROM \"Orders\" GROUP BY 1 ORDER BY 1", connection);
        await using var reader = await cmd.ExecuteReaderAsync(Cancel);
        var counts = new Dictionary<OrderStatus, long>();
        while (await reader.ReadAsync(Cancel)) counts[reader.GetFieldValue<OrderStatus>(0)] = reader.GetInt64(1);
        Assert.Equal(4, counts.Count);
        Assert.All(counts.Values, c => Assert.Equal(1L, c));
    }

    [Fact]
    public async Task A_transaction_disposed_before_the_test_ends_leaves_nothing_behind()
    {
        await using var context = Database.CreateContext();
        await using (var transaction = await context.Database.BeginTransactionAsync(Cancel))
        {
            context.Customers.Add(new Customer { Name = "Temp", Email = "temp@example.com" });
            await context.SaveChangesAsync(Cancel);
        } // disposed without commit: rolled back. Left open, the reset after this test would fail with PGSEED069.
        Assert.Equal(3, await context.Customers.CountAsync(Cancel));
    }
}
