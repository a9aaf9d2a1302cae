using System.Text.Json;
using PgSeed.Engine.Tests.Infrastructure;
using static PgSeed.Engine.Tests.Infrastructure.CliRunner;

namespace PgSeed.Engine.Tests.Cli;

/// <summary><c>pgseed list</c> on the Bookstore sample database (samples/Bookstore/db).</summary>
public class ListCommandTests(PostgresFixture pg)
{
    private static async Task<TestDatabase> SampleDatabaseAsync(PostgresFixture pg)
    {
        var db = Path.Combine(RepositoryFiles.Root, "samples", "Bookstore", "db");
        return await pg.CreateDatabaseAsync(await File.ReadAllTextAsync(Path.Combine(db, "schema.sql")) + "\n" + await File.ReadAllTextAsync(Path.Combine(db, "data.sql")));
    }

    [Fact]
    public async Task Lists_the_sample_tables_with_rows_size_keys_relations_and_personal_columns()
    {
        await using var sample = await SampleDatabaseAsync(pg);
        var list = await Run("list", "-c", sample.ConnectionString);
        Assert.True(list.Code == 0, list.Err);
        var rows = list.Out.Split('\n').Where(l => l.StartsWith("| public.", StringComparison.Ordinal)).ToList();
        Assert.Equal(15, rows.Count);
        var customer = Cells(rows.Single(r => r.StartsWith("| public.customer ", StringComparison.Ordinal)));
        var count = await sample.ScalarAsync<long>("select count(*) from customer");
        Assert.Equal(["public.customer", count.ToString(), "", "id", "public.country, public.customer", "public.\"GiftCard\", public.address, public.customer, public.\"order\", public.review"],
            customer.Take(6).Select((c, i) => i == 2 ? "" : c));
        Assert.Matches(@"^\d+(\.\d)? kB$", customer[2]);
        Assert.Equal("email (email), first_name (name), last_name (name)", customer[6]);
        Assert.Equal("none", Cells(rows.Single(r => r.StartsWith("| public.stock_movement ", StringComparison.Ordinal)))[3]);
        Assert.DoesNotContain('\u001b', list.Out);
    }

    [Fact]
    public async Task Json_glob_and_schema_select_tables()
    {
        await using var sample = await SampleDatabaseAsync(pg);
        var list = await Run("list", "-c", sample.ConnectionString, "--schema", "public", "--format", "json", "order*", "book");
        Assert.True(list.Code == 0, list.Err);
        using var json = JsonDocument.Parse(list.Out);
        var tables = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(["public.book", "public.\"order\"", "public.order_line"], tables.Select(t => t.GetProperty("name").GetString()));
        var order = tables[1];
        Assert.Equal(["id"], order.GetProperty("primaryKey").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("order_customer_id_fkey", order.GetProperty("foreignKeys").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
        Assert.Equal("public.order_line", Assert.Single(order.GetProperty("referencedBy").EnumerateArray()).GetProperty("table").GetString());
        Assert.True(order.GetProperty("estimatedRows").GetInt64() > 0);
        Assert.True(order.GetProperty("sizeBytes").GetInt64() > 0);

        var none = await Run("list", "-c", sample.ConnectionString, "--schema", "sales");
        Assert.Equal(0, none.Code);
        Assert.Contains("No tables found", none.Err);
        var typo = await Run("list", "-c", sample.ConnectionString, "ordr_line");
        Assert.Equal(1, typo.Code);
        Assert.Contains("Did you mean public.order_line?", typo.Err);
    }

    private static string[] Cells(string row) => row.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
}
