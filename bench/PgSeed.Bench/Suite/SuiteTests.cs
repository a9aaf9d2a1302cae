using System.Globalization;
using System.Text;
using static PgSeed.Bench.Suite.SuiteShop;

namespace PgSeed.Bench.Suite;

/// <summary>
/// The generated tests: 9 classes × 24 tests, each reading and writing a few rows of <see cref="SuiteShop"/> with
/// plain Npgsql and asserting exact seeded values first (a test fails when the previous test's writes leaked).
/// The bodies are the same text for every contender; only the class header (fixture wiring) differs.
/// </summary>
internal static class SuiteTests
{
    public const int TestsPerClass = 24;

    private sealed record Template(string Name, Func<int, string> Body);

    private static string D(decimal v) => v.ToString("0.00", CultureInfo.InvariantCulture) + "m";

    private static readonly (string Class, Template[] Templates, Func<int, int> Param)[] Classes =
    [
        ("CustomerTests", [
            new("Renames_customer", c => $$"""
                Assert.Equal("Customer {{c}}", await db.ScalarAsync<string>("SELECT name FROM customer WHERE id = {{c}}"));
                await db.ExecAsync("UPDATE customer SET name = 'Renamed {{c}}' WHERE id = {{c}}");
                Assert.Equal("Renamed {{c}}", await db.ScalarAsync<string>("SELECT name FROM customer WHERE id = {{c}}"));
                """),
            new("Adds_address_for_customer", c => $$"""
                Assert.Equal({{Enumerable.Range(1, Addresses).Count(a => AddressCustomer(a) == c)}}L, await db.ScalarAsync<long>("SELECT count(*) FROM address WHERE customer_id = {{c}}"));
                var id = await db.ScalarAsync<int>("INSERT INTO address (customer_id, line1, city) VALUES ({{c}}, '1 New Road', 'Newtown') RETURNING id");
                Assert.True(id > {{Addresses}});
                Assert.Equal({{Enumerable.Range(1, Addresses).Count(a => AddressCustomer(a) == c) + 1}}L, await db.ScalarAsync<long>("SELECT count(*) FROM address WHERE customer_id = {{c}}"));
                """),
            new("Rejects_duplicate_email_of_customer", c => $$"""
                var e = await Assert.ThrowsAsync<PostgresException>(() => db.ExecAsync("UPDATE customer SET email = 'customer{{c % Customers + 1}}@example.com' WHERE id = {{c}}"));
                Assert.Equal(PostgresErrorCodes.UniqueViolation, e.SqlState);
                Assert.Equal("customer{{c}}@example.com", await db.ScalarAsync<string>("SELECT email FROM customer WHERE id = {{c}}"));
                """),
            new("Refers_a_new_customer_from", c => $$"""
                Assert.Equal({{Enumerable.Range(1, Customers).Count(x => ReferredBy(x) == c)}}L, await db.ScalarAsync<long>("SELECT count(*) FROM customer WHERE referred_by = {{c}}"));
                await db.ExecAsync("INSERT INTO customer (country_id, email, name, referred_by) VALUES (1, 'friend-of-{{c}}@example.com', 'Friend', {{c}})");
                Assert.Equal({{Enumerable.Range(1, Customers).Count(x => ReferredBy(x) == c) + 1}}L, await db.ScalarAsync<long>("SELECT count(*) FROM customer WHERE referred_by = {{c}}"));
                """),
        ], i => 1 + i * 11 % 20),
        ("OrderTests", [
            new("Places_order", o => PlaceOrder((o - 1) % Customers + 1)),
            new("Cancels_order", o => $$"""
                Assert.Equal("{{Status(o)}}", await db.ScalarAsync<string>("SELECT status FROM orders WHERE id = {{o}}"));
                await db.ExecAsync("UPDATE orders SET status = 'cancelled' WHERE id = {{o}}");
                Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM orders WHERE status = 'cancelled'"));
                Assert.Equal({{LinesPerOrder}}L, await db.ScalarAsync<long>("SELECT count(*) FROM order_line WHERE order_id = {{o}}"));
                """),
            new("Removes_first_line_of_order", o => $$"""
                Assert.Equal({{D(OrderTotal(o))}}, await db.ScalarAsync<decimal>("SELECT total FROM orders WHERE id = {{o}}"));
                await db.ExecAsync("DELETE FROM order_line WHERE order_id = {{o}} AND line_no = 1");
                await db.ExecAsync("UPDATE orders SET total = (SELECT sum(quantity * unit_price) FROM order_line WHERE order_id = {{o}}) WHERE id = {{o}}");
                Assert.Equal({{D(OrderTotal(o) - LineAmount(o, 1))}}, await db.ScalarAsync<decimal>("SELECT total FROM orders WHERE id = {{o}}"));
                """),
        ], i => 1 + i * 37 % Orders),
        ("ProductTests", [
            new("Raises_price_of_product", p => $$"""
                Assert.Equal({{D(Price(p))}}, await db.ScalarAsync<decimal>("SELECT price FROM product WHERE id = {{p}}"));
                await db.ExecAsync("UPDATE product SET price = price + 10 WHERE id = {{p}}");
                Assert.Equal({{D(Price(p) + 10)}}, await db.ScalarAsync<decimal>("SELECT price FROM product WHERE id = {{p}}"));
                Assert.Equal({{D(Enumerable.Range(1, Orders).SelectMany(o => Enumerable.Range(1, LinesPerOrder).Where(l => LineProduct(o, l) == p)).Count() * Price(p))}},
                    await db.ScalarAsync<decimal>("SELECT coalesce(sum(unit_price), 0) FROM order_line WHERE product_id = {{p}}"));
                """),
            new("Adds_product_to_category_of", p => $$"""
                Assert.Equal({{Enumerable.Range(1, Products).Count(x => ProductCategory(x) == ProductCategory(p))}}L, await db.ScalarAsync<long>("SELECT count(*) FROM product WHERE category_id = {{ProductCategory(p)}}"));
                await db.ExecAsync("INSERT INTO product (category_id, supplier_id, sku, name, price) VALUES ({{ProductCategory(p)}}, 1, 'NEW-{{p}}', 'New', 9.99)");
                Assert.Equal({{Enumerable.Range(1, Products).Count(x => ProductCategory(x) == ProductCategory(p)) + 1}}L, await db.ScalarAsync<long>("SELECT count(*) FROM product WHERE category_id = {{ProductCategory(p)}}"));
                """),
            new("Rejects_duplicate_sku_of_product", p => $$"""
                var e = await Assert.ThrowsAsync<PostgresException>(() => db.ExecAsync("INSERT INTO product (category_id, supplier_id, sku, name, price) VALUES (1, 1, 'SKU-{{p:0000}}', 'Copy', 1)"));
                Assert.Equal(PostgresErrorCodes.UniqueViolation, e.SqlState);
                Assert.Equal({{Products}}L, await db.ScalarAsync<long>("SELECT count(*) FROM product"));
                """),
        ], i => 1 + i * 17 % Products),
        ("InventoryTests", [
            new("Picks_one_unit_of_product", p => $$"""
                Assert.Equal({{Stock(p, 1 + p % Warehouses)}}, await db.ScalarAsync<int>("SELECT quantity FROM stock WHERE product_id = {{p}} AND warehouse_id = {{1 + p % Warehouses}}"));
                await db.ExecAsync("UPDATE stock SET quantity = quantity - 1 WHERE product_id = {{p}} AND warehouse_id = {{1 + p % Warehouses}}");
                Assert.Equal({{Stock(p, 1 + p % Warehouses) - 1}}, await db.ScalarAsync<int>("SELECT quantity FROM stock WHERE product_id = {{p}} AND warehouse_id = {{1 + p % Warehouses}}"));
                """),
            new("Transfers_stock_of_product", p => $$"""
                await using (var tx = await db.BeginTransactionAsync())
                {
                    await db.ExecAsync("UPDATE stock SET quantity = quantity - 5 WHERE product_id = {{p}} AND warehouse_id = 1");
                    await db.ExecAsync("UPDATE stock SET quantity = quantity + 5 WHERE product_id = {{p}} AND warehouse_id = 2");
                    await tx.CommitAsync();
                }
                Assert.Equal({{Stock(p, 1) - 5}}, await db.ScalarAsync<int>("SELECT quantity FROM stock WHERE product_id = {{p}} AND warehouse_id = 1"));
                Assert.Equal({{Enumerable.Range(1, Warehouses).Sum(w => Stock(p, w))}}L, await db.ScalarAsync<long>("SELECT sum(quantity) FROM stock WHERE product_id = {{p}}"));
                """),
            new("Rejects_negative_stock_of_product", p => $$"""
                var e = await Assert.ThrowsAsync<PostgresException>(() => db.ExecAsync("UPDATE stock SET quantity = quantity - {{Stock(p, 3) + 1}} WHERE product_id = {{p}} AND warehouse_id = 3"));
                Assert.Equal(PostgresErrorCodes.CheckViolation, e.SqlState);
                Assert.Equal({{Stock(p, 3)}}, await db.ScalarAsync<int>("SELECT quantity FROM stock WHERE product_id = {{p}} AND warehouse_id = 3"));
                """),
        ], i => 1 + i * 23 % Products),
        ("PaymentTests", [
            new("Pays_order", o => $$"""
                Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM payment WHERE order_id = {{o}}"));
                await db.ExecAsync("INSERT INTO payment (order_id, amount, method, paid_at) SELECT id, total, 'card', now() FROM orders WHERE id = {{o}}");
                await db.ExecAsync("UPDATE orders SET status = 'paid' WHERE id = {{o}}");
                Assert.Equal({{D(OrderTotal(o))}}, await db.ScalarAsync<decimal>("SELECT sum(amount) FROM payment WHERE order_id = {{o}}"));
                Assert.Equal({{Payments + 1}}L, await db.ScalarAsync<long>("SELECT count(*) FROM payment"));
                """),
            new("Refunds_payment_of_order", o => $$"""
                Assert.Equal({{D(OrderTotal(o - Payments))}}, await db.ScalarAsync<decimal>("SELECT sum(amount) FROM payment WHERE order_id = {{o - Payments}}"));
                await db.ExecAsync("INSERT INTO payment (order_id, amount, method, paid_at) VALUES ({{o - Payments}}, -{{(OrderTotal(o - Payments)).ToString("0.00", CultureInfo.InvariantCulture)}}, 'refund', now())");
                Assert.Equal(0.00m, await db.ScalarAsync<decimal>("SELECT sum(amount) FROM payment WHERE order_id = {{o - Payments}}"));
                """),
        ], i => Payments + 1 + i * 7 % (Orders - Payments)),
        ("ReviewTests", [
            new("Reviews_product", p => $$"""
                Assert.Equal({{Enumerable.Range(1, Reviews).Count(v => ReviewProduct(v) == p)}}L, await db.ScalarAsync<long>("SELECT count(*) FROM review WHERE product_id = {{p}}"));
                await db.ExecAsync("INSERT INTO review (customer_id, product_id, stars, body) VALUES (1, {{p}}, 5, 'Great')");
                Assert.Equal({{Enumerable.Range(1, Reviews).Count(v => ReviewProduct(v) == p) + 1}}L, await db.ScalarAsync<long>("SELECT count(*) FROM review WHERE product_id = {{p}}"));
                """),
            new("Deletes_reviews_of_customer", c => $$"""
                Assert.Equal({{Enumerable.Range(1, Reviews).Count(v => ReviewCustomer(v) == c % Customers + 1)}}L, await db.ScalarAsync<long>("SELECT count(*) FROM review WHERE customer_id = {{c % Customers + 1}}"));
                await db.ExecAsync("DELETE FROM review WHERE customer_id = {{c % Customers + 1}}");
                Assert.Equal({{Reviews - Enumerable.Range(1, Reviews).Count(v => ReviewCustomer(v) == c % Customers + 1)}}L, await db.ScalarAsync<long>("SELECT count(*) FROM review"));
                """),
        ], i => 1 + i * 13 % Products),
        ("ShipmentTests", [
            new("Ships_order", o => $$"""
                Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM shipment WHERE order_id = {{o}}"));
                await db.ExecAsync("INSERT INTO shipment (order_id, address_id, shipped_at) SELECT id, address_id, now() FROM orders WHERE id = {{o}}");
                await db.ExecAsync("UPDATE orders SET status = 'shipped' WHERE id = {{o}}");
                Assert.Equal({{ShipmentCount + 1}}L, await db.ScalarAsync<long>("SELECT count(*) FROM shipment"));
                Assert.Equal({{Enumerable.Range(1, Orders).Count(x => Status(x) == "shipped") + 1}}L, await db.ScalarAsync<long>("SELECT count(*) FROM orders WHERE status = 'shipped'"));
                """),
            new("Delivers_shipment_of_order", o => $$"""
                Assert.Null(await db.ScalarAsync<DateTime?>("SELECT delivered_at FROM shipment WHERE order_id = {{o + 2}}"));
                await db.ExecAsync("UPDATE shipment SET delivered_at = now() WHERE order_id = {{o + 2}}");
                await db.ExecAsync("UPDATE orders SET status = 'delivered' WHERE id = {{o + 2}}");
                Assert.Equal({{Enumerable.Range(1, Orders).Count(x => x % 4 == 3) + 1}}L, await db.ScalarAsync<long>("SELECT count(*) FROM shipment WHERE delivered_at IS NOT NULL"));
                """),
        ], i => 4 * (1 + i * 7 % 140)), // multiples of 4 (placed); + 2 is a shipped order
        ("CategoryTests", [
            new("Moves_category", k => $$"""
                Assert.Equal({{CategoryParent(k)}}, await db.ScalarAsync<int>("SELECT parent_id FROM category WHERE id = {{k}}"));
                await db.ExecAsync("UPDATE category SET parent_id = {{CategoryParent(k) % RootCategories + 1}} WHERE id = {{k}}");
                Assert.Equal({{Enumerable.Range(1, Categories).Count(x => CategoryParent(x) == CategoryParent(k) % RootCategories + 1) + 2}}L, await db.ScalarAsync<long>(
                    "WITH RECURSIVE tree AS (SELECT id FROM category WHERE id = {{CategoryParent(k) % RootCategories + 1}} UNION ALL SELECT c.id FROM category c JOIN tree t ON c.parent_id = t.id) SELECT count(*) FROM tree"));
                """),
            new("Refuses_to_delete_used_category", k => $$"""
                var e = await Assert.ThrowsAsync<PostgresException>(() => db.ExecAsync("DELETE FROM category WHERE id = {{k}}"));
                Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, e.SqlState);
                Assert.Equal({{Categories}}L, await db.ScalarAsync<long>("SELECT count(*) FROM category"));
                """),
            new("Renames_category", k => $$"""
                Assert.Equal("Category {{k}}", await db.ScalarAsync<string>("SELECT name FROM category WHERE id = {{k}}"));
                await db.ExecAsync("UPDATE category SET name = upper(name) WHERE id = {{k}}");
                Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM category WHERE name = 'CATEGORY {{k}}'"));
                """),
        ], i => RootCategories + 1 + i % (Categories - RootCategories)),
        ("ReportTests", [
            new("Revenue_of_customer", c => $$"""
                Assert.Equal({{D(Enumerable.Range(1, Orders).Where(o => OrderCustomer(o) == c).Sum(OrderTotal))}},
                    await db.ScalarAsync<decimal>("SELECT coalesce(sum(total), 0) FROM orders WHERE customer_id = {{c}}"));
                """),
            new("Order_lines_in_category", c => $$"""
                Assert.Equal({{Enumerable.Range(1, Orders).Sum(o => Enumerable.Range(1, LinesPerOrder).Count(l => ProductCategory(LineProduct(o, l)) == c % Categories + 1))}}L, await db.ScalarAsync<long>(
                    "SELECT count(*) FROM order_line l JOIN product p ON p.id = l.product_id WHERE p.category_id = {{c % Categories + 1}}"));
                """),
            new("Stock_value_in_warehouse_of", c => $$"""
                Assert.Equal({{D(Enumerable.Range(1, Products).Sum(p => Stock(p, c % Warehouses + 1) * Price(p)))}}, await db.ScalarAsync<decimal>(
                    "SELECT sum(s.quantity * p.price) FROM stock s JOIN product p ON p.id = s.product_id WHERE s.warehouse_id = {{c % Warehouses + 1}}"));
                """),
        ], i => 1 + i * 29 % Customers),
    ];

    private static string PlaceOrder(int c) => $$"""
        Assert.Equal({{Enumerable.Range(1, Orders).Count(o => OrderCustomer(o) == c)}}L, await db.ScalarAsync<long>("SELECT count(*) FROM orders WHERE customer_id = {{c}}"));
        var order = await db.ScalarAsync<int>("INSERT INTO orders (customer_id, address_id, status, placed_at) VALUES ({{c}}, {{c}}, 'placed', now()) RETURNING id");
        await db.ExecAsync($"INSERT INTO order_line SELECT {order}, n, n * 7, n, price FROM product, generate_series(1, 2) n WHERE product.id = n * 7");
        await db.ExecAsync($"UPDATE orders SET total = (SELECT sum(quantity * unit_price) FROM order_line WHERE order_id = {order}) WHERE id = {order}");
        Assert.Equal({{D(Price(7) + 2 * Price(14))}}, await db.ScalarAsync<decimal>($"SELECT total FROM orders WHERE id = {order}"));
        Assert.Equal({{Enumerable.Range(1, Orders).Count(o => OrderCustomer(o) == c) + 1}}L, await db.ScalarAsync<long>("SELECT count(*) FROM orders WHERE customer_id = {{c}}"));
        """;

    public static int TotalTests => Classes.Length * TestsPerClass;
    public static int ClassCount => Classes.Length;

    /// <summary>One file per test class. <paramref name="classHeader"/> gives the declaration line for a class name.</summary>
    public static IEnumerable<(string File, string Source)> Files(Func<string, string> classHeader)
    {
        foreach (var (name, templates, param) in Classes)
        {
            var sb = new StringBuilder();
            sb.AppendLine("// Generated by bench/PgSeed.Bench (suite benchmark). Do not edit.");
            sb.AppendLine("using Npgsql;");
            sb.AppendLine("using Xunit;");
            sb.AppendLine();
            sb.AppendLine("namespace Suite;");
            sb.AppendLine();
            sb.AppendLine(classHeader(name));
            sb.AppendLine("{");
            var seen = new HashSet<string>();
            for (var i = 0; i < TestsPerClass; i++)
            {
                var template = templates[i % templates.Length];
                var value = param(i);
                var method = $"{template.Name}_{value}";
                while (!seen.Add(method)) method += "_again";
                sb.AppendLine("    [Fact]");
                sb.AppendLine($"    public async Task {method}()");
                sb.AppendLine("    {");
                sb.AppendLine("        await using var db = await OpenAsync();");
                foreach (var line in template.Body(value).Split('\n'))
                    sb.AppendLine(line.Length == 0 ? "" : "        " + line.TrimEnd('\r'));
                sb.AppendLine("    }");
                if (i < TestsPerClass - 1) sb.AppendLine();
            }
            sb.AppendLine("}");
            yield return ($"{name}.cs", sb.ToString());
        }
    }
}
