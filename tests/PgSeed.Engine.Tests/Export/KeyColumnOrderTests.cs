using PgSeed.Engine.Export;
using PgSeed.Engine.Tests.Infrastructure;

namespace PgSeed.Engine.Tests.Export;

/// <summary>
/// A primary key whose column order is not the table's (issue #19, 2): a child step must compare the key-table rows
/// with the candidate rows' key columns, wherever the table has them.
/// </summary>
[Trait("Category", "Matrix")] // build/test.sh runs these on every PostgreSQL major
public class KeyColumnOrderTests(PostgresFixture pg)
{
    [Theory]
    [InlineData("primary key (y, x)")]
    [InlineData("primary key (x, y)")]
    public async Task A_row_with_a_swapped_key_is_not_mistaken_for_one_already_found(string key)
    {
        // c (2,1,2,10) is a child of p2 row 10, itself a child of the root p1 row 1. With key (y, x), comparing the key
        // table's (y, x) with the row's first columns (x, y) took it for c (1,2,...), already found, and dropped it.
        var schema = $"""
            create table p1(id int primary key);
            create table p2(id int primary key, p1_id int references p1);
            create table c(x int, y int, p1_id int references p1, p2_id int references p2, {key});
            """;
        const string data = """
            insert into p1 values (1), (2);
            insert into p2 values (10, 1), (20, 2);
            insert into c values (1, 2, 1, 20), (2, 1, 2, 10);
            """;
        await using var s = await ExportScenario.CreateAsync(pg, schema, data);
        var (report, folder) = await s.ExportAsync(s.Request(new RootSelection { Table = "p1", Filter = "where id = 1" }));

        await s.AssertMatchesOracleAsync(folder, [("p1", "where id = 1")]);
        Assert.Equal(2, report.Tables.Single(t => t.Table == "public.c").Rows);
    }

    [Fact]
    public async Task Key_columns_of_other_types_than_the_leading_columns()
    {
        // Two descendants lead to payment (customer and staff roots), so its steps skip rows already found: by
        // (payment_date, payment_id), not by its first two columns (payment_id, customer_id) - an integer and a timestamp.
        const string schema = """
            create table customer(id int primary key);
            create table staff(id int primary key);
            create table payment(payment_id int not null, customer_id int not null references customer, staff_id int references staff,
                payment_date timestamptz not null, primary key (payment_date, payment_id));
            """;
        const string data = """
            insert into customer values (1), (2);
            insert into staff values (1), (2);
            insert into payment values (1, 1, 1, '2024-01-01'), (2, 1, 2, '2024-01-02'), (3, 2, 1, '2024-01-03'), (4, 2, 2, '2024-01-04');
            """;
        await using var s = await ExportScenario.CreateAsync(pg, schema, data);
        var (report, folder) = await s.ExportAsync(s.Request(
            new RootSelection { Table = "customer", Filter = "where id = 1" }, new RootSelection { Table = "staff", Filter = "where id = 1" }));

        await s.AssertMatchesOracleAsync(folder, [("customer", "where id = 1"), ("staff", "where id = 1")]);
        Assert.Equal(3, report.Tables.Single(t => t.Table == "public.payment").Rows);
    }
}
