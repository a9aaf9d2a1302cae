using Npgsql;

namespace Bookstore.Tests;

/// <summary>Changing and deleting seeded rows: the next test sees them as seeded again.</summary>
public sealed class CustomerTests(BookstoreDatabase db) : PgSeedTest<BookstoreDatabase>(db)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Renaming_a_customer_updates_the_generated_full_name()
    {
        Assert.Equal("Oliver Sato", await FullNameAsync(BookstoreQueriesTests.SeededCustomerId));

        await using var cmd = Database.DataSource.CreateCommand("update customer set last_name = 'Sato-Weber', tier = 'gold' where id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = BookstoreQueriesTests.SeededCustomerId });
        Assert.Equal(1, await cmd.ExecuteNonQueryAsync(Cancel));

        Assert.Equal("Oliver Sato-Weber", await FullNameAsync(BookstoreQueriesTests.SeededCustomerId));
    }

    [Fact]
    public async Task Deleting_a_review_removes_it_and_the_customer_can_review_the_book_again()
    {
        // Review 6: customer 7 on book 43; (book_id, customer_id) is unique.
        await using var delete = Database.DataSource.CreateCommand("delete from review where id = 6 returning book_id, customer_id");
        await using (var reader = await delete.ExecuteReaderAsync(Cancel))
        {
            Assert.True(await reader.ReadAsync(Cancel), "review 6 is not in the seed");
            Assert.Equal((43, 7), (reader.GetInt32(0), reader.GetInt32(1)));
        }

        await using var insert = Database.DataSource.CreateCommand(
            "insert into review (book_id, customer_id, rating, created_at) values (43, 7, 5, now()) returning id");
        Assert.True((int)(await insert.ExecuteScalarAsync(Cancel))! > 6);
    }

    private async Task<string> FullNameAsync(int customerId)
    {
        await using var cmd = Database.DataSource.CreateCommand("select full_name from customer where id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = customerId });
        return (string)(await cmd.ExecuteScalarAsync(Cancel))!;
    }
}
