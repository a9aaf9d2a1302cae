using EfCoreShop;
using PgSeed.Testing.EntityFrameworkCore.Tests.Infrastructure;

namespace PgSeed.Testing.EntityFrameworkCore.Tests;

/// <summary>The two recipes of docs/efcore.md build the same schema: the Migrations helper, and the script from dotnet ef migrations script.</summary>
public sealed class MigrationScriptTests(ITestOutputHelper output)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private const string Shape = """
        SELECT string_agg(format('%s.%s %s %s %s', table_name, column_name, data_type, udt_name, is_nullable), E'\n' ORDER BY table_name, ordinal_position)
        FROM information_schema.columns WHERE table_schema = 'public'
        """;

    [Fact]
    public async Task The_helper_and_the_script_build_the_same_schema_and_reference_rows()
    {
        await using var helper = new ShopFixture(o => o.Migrations<ShopContext>(npgsql: ShopContext.ConfigureNpgsql));
        await using var script = new ShopFixture(o => o.Schema("db/migrations.sql"));
        await helper.InitializeAsync();
        await script.InitializeAsync();
        foreach (var line in helper.LogLines.Concat(script.LogLines).Where(l => l.Contains("built template"))) output.WriteLine(line);

        await using var a = await helper.LeaseAsync(Cancel);
        await using var b = await script.LeaseAsync(Cancel);
        Assert.Equal(await Shop.ScalarAsync<string>(a.DataSource, Shape), await Shop.ScalarAsync<string>(b.DataSource, Shape));
        const string rows = "SELECT string_agg(\"Code\", ',' ORDER BY \"Code\") FROM \"Currencies\"";
        Assert.Equal(await Shop.ScalarAsync<string>(a.DataSource, rows), await Shop.ScalarAsync<string>(b.DataSource, rows));
        const string history = "SELECT string_agg(\"MigrationId\", ',' ORDER BY 1) FROM \"__EFMigrationsHistory\"";
        Assert.Equal(await Shop.ScalarAsync<string>(a.DataSource, history), await Shop.ScalarAsync<string>(b.DataSource, history));
    }
}
