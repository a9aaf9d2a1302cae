using Npgsql;

namespace Bookstore;

/// <summary>A customer's order with its total, as the account page lists them.</summary>
public sealed record OrderSummary(long Id, DateTimeOffset OrderedAt, string Status, int Lines, decimal Total, string Currency, string? Store);

/// <summary>The bookstore's read queries. Small on purpose: the point of the sample is its seed data.</summary>
public sealed class BookstoreQueries(NpgsqlDataSource dataSource)
{
    /// <summary>The category and its ancestors, root first: "Fiction > Classics 7 > Collection 25".</summary>
    public async Task<string> CategoryPathAsync(int categoryId, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            with recursive up(id, parent_id, name, depth) as (
                select id, parent_id, name, 0 from category where id = $1
                union all
                select c.id, c.parent_id, c.name, up.depth + 1 from category c join up on c.id = up.parent_id)
            select string_agg(name, ' > ' order by depth desc) from up
            """);
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = categoryId });
        return await cmd.ExecuteScalarAsync(cancellationToken) as string
            ?? throw new KeyNotFoundException($"No category {categoryId}.");
    }

    /// <summary>A customer's orders, newest first, with line counts and totals.</summary>
    public async Task<IReadOnlyList<OrderSummary>> OrdersOfAsync(int customerId, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            select o.id, o.ordered_at, o.status::text, count(l.line_no)::int, coalesce(sum(l.line_total), 0), o.currency, s.name
            from "order" o
            left join order_line l on l.order_id = o.id
            left join store s on s.id = o.store_id
            where o.customer_id = $1
            group by o.id, s.name
            order by o.ordered_at desc, o.id desc
            """);
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = customerId });
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var orders = new List<OrderSummary>();
        while (await reader.ReadAsync(cancellationToken))
            orders.Add(new OrderSummary(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetInt32(3),
                reader.GetDecimal(4), reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
        return orders;
    }

    /// <summary>Who manages the store that served an order (store and employee reference each other).</summary>
    public async Task<string?> ManagerOfStoreThatServedAsync(long orderId, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            select e.name from "order" o join store s on s.id = o.store_id join employee e on e.id = s.manager_id where o.id = $1
            """);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = orderId });
        return await cmd.ExecuteScalarAsync(cancellationToken) as string;
    }
}
