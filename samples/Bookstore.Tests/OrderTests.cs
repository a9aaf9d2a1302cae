using Npgsql;

namespace Bookstore.Tests;

/// <summary>
/// Placing orders. Both tests insert an order and expect the same id: the reset puts the identity sequence
/// back to its seeded value, not just the rows.
/// </summary>
public sealed class OrderTests(BookstoreDatabase db) : PgSeedTest<BookstoreDatabase>(db)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_placed_order_is_the_newest_in_the_customers_list_with_its_total()
    {
        var before = await new BookstoreQueries(Database.DataSource).OrdersOfAsync(BookstoreQueriesTests.SeededCustomerId, Cancel);

        var id = await PlaceOrderAsync(BookstoreQueriesTests.SeededCustomerId, (BookId: 43, Quantity: 2), (BookId: 64, Quantity: 1));

        var after = await new BookstoreQueries(Database.DataSource).OrdersOfAsync(BookstoreQueriesTests.SeededCustomerId, Cancel);
        Assert.Equal(before.Count + 1, after.Count);
        Assert.Equal(id, after[0].Id);
        Assert.Equal(2, after[0].Lines);
        Assert.Equal(await PriceAsync(43) * 2 + await PriceAsync(64), after[0].Total);
    }

    [Fact]
    public async Task Every_test_gets_the_same_next_order_id_because_the_sequence_is_reset_too()
    {
        await using var cmd = Database.DataSource.CreateCommand("select max(id) from \"order\"");
        var seededMax = (long)(await cmd.ExecuteScalarAsync(Cancel))!;

        var first = await PlaceOrderAsync(BookstoreQueriesTests.SeededCustomerId, (BookId: 71, Quantity: 1));
        var second = await PlaceOrderAsync(BookstoreQueriesTests.SeededCustomerId, (BookId: 71, Quantity: 3));

        Assert.Equal(seededMax + 1, first);
        Assert.Equal(seededMax + 2, second);
    }

    /// <summary>What the shop's checkout does: one order at the books' current prices, in one transaction.</summary>
    private async Task<long> PlaceOrderAsync(int customerId, params (int BookId, int Quantity)[] lines)
    {
        await using var connection = await Database.OpenConnectionAsync(Cancel);
        await using var tx = await connection.BeginTransactionAsync(Cancel);
        await using var order = new NpgsqlCommand("""
            insert into "order" (customer_id, status, ordered_at, currency)
            select id, 'placed', now(), 'EUR' from customer where id = $1 returning id
            """, connection, tx);
        order.Parameters.Add(new NpgsqlParameter<int> { TypedValue = customerId });
        var orderId = (long)(await order.ExecuteScalarAsync(Cancel))!;
        short lineNo = 0;
        foreach (var (bookId, quantity) in lines)
        {
            await using var line = new NpgsqlCommand("""
                insert into order_line (order_id, line_no, book_id, quantity, unit_price) select $1, $2, id, $3, price from book where id = $4
                """, connection, tx);
            line.Parameters.Add(new NpgsqlParameter<long> { TypedValue = orderId });
            line.Parameters.Add(new NpgsqlParameter<short> { TypedValue = ++lineNo });
            line.Parameters.Add(new NpgsqlParameter<int> { TypedValue = quantity });
            line.Parameters.Add(new NpgsqlParameter<int> { TypedValue = bookId });
            Assert.Equal(1, await line.ExecuteNonQueryAsync(Cancel));
        }
        await tx.CommitAsync(Cancel);
        return orderId;
    }

    private async Task<decimal> PriceAsync(int bookId)
    {
        await using var cmd = Database.DataSource.CreateCommand("select price from book where id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = bookId });
        return (decimal)(await cmd.ExecuteScalarAsync(Cancel))!;
    }
}
