using Npgsql;

namespace Bookstore.Tests;

/// <summary>Writes into the two awkward shapes: the self-referencing category tree and the store/employee FK cycle.</summary>
public sealed class CatalogAndStoreTests(BookstoreDatabase db) : PgSeedTest<BookstoreDatabase>(db)
{
    private BookstoreQueries Queries => new(Database.DataSource);
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_new_subcategory_appears_under_its_seeded_parents()
    {
        await using var cmd = Database.DataSource.CreateCommand(
            "insert into category (parent_id, name, slug) values (25, 'Penguin Classics', 'penguin-classics') returning id");
        var id = (int)(await cmd.ExecuteScalarAsync(Cancel))!;

        Assert.Equal("Fiction > Classics 7 > Collection 25 > Penguin Classics", await Queries.CategoryPathAsync(id, Cancel));
    }

    [Fact]
    public async Task A_new_store_and_its_manager_reference_each_other()
    {
        await using var connection = await Database.OpenConnectionAsync(Cancel);
        await using var tx = await connection.BeginTransactionAsync(Cancel);
        // store.manager_id is DEFERRABLE: insert the store pointing at its future manager, check at commit.
        await using var cmd = new NpgsqlCommand("""
            set constraints store_manager_id_fkey deferred;
            insert into store (id, name, country_code, manager_id, opened_on) values (100, 'Bookstore Leipzig', 'DE', 1000, '2026-11-02');
            insert into employee (id, store_id, name, email, hired_on, hourly_rate) values (1000, 100, 'Greta Lindqvist', 'greta@bookstore.example', '2026-10-01', 18.50);
            insert into "order" (customer_id, store_id, served_by, status, ordered_at, currency) values (7, 100, 1000, 'paid', now(), 'EUR') returning id;
            """, connection, tx);
        var orderId = (long)(await cmd.ExecuteScalarAsync(Cancel))!;
        await tx.CommitAsync(Cancel);

        Assert.Equal("Greta Lindqvist", await Queries.ManagerOfStoreThatServedAsync(orderId, Cancel));
    }
}
