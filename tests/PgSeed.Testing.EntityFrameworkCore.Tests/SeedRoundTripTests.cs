using EfCoreShop;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PgSeed.Engine.Export;
using PgSeed.Engine.Import;
using PgSeed.Engine.Seed;
using PgSeed.Testing.EntityFrameworkCore.Tests.Infrastructure;

namespace PgSeed.Testing.EntityFrameworkCore.Tests;

/// <summary>
/// A seed exported from a database EF migrated, loaded into fixtures built by the same migrations: the enum, the jsonb
/// owned type and the category tree round-trip, and (issue 18.4) Truncate warns about the HasData rows it deletes.
/// </summary>
public sealed class SeedRoundTripTests(EfPostgres postgres)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Truncate_warns_about_the_HasData_rows_it_deletes_and_Upsert_keeps_them()
    {
        var seed = await ExportOrdersSeedAsync();
        await using var truncate = new ShopFixture(o => o.Migrations<ShopContext>(npgsql: ShopContext.ConfigureNpgsql).Seed(seed, ImportMode.Truncate));
        await truncate.InitializeAsync();
        var warning = Assert.Single(truncate.LogLines, l => l.Contains("PGSEED046"));
        Assert.Contains("public.\"Currencies\" lost 2 of the 3 row(s)", warning);
        Assert.Contains("ImportMode.Upsert", warning);
        await using (var lease = await truncate.LeaseAsync(Cancel))
            Assert.Equal(1L, await Shop.ScalarAsync<long>(lease.DataSource, "SELECT count(*) FROM \"Currencies\""));

        await using var upsert = new ShopFixture(o => o.Migrations<ShopContext>(npgsql: ShopContext.ConfigureNpgsql).Seed(seed, ImportMode.Upsert));
        await upsert.InitializeAsync();
        Assert.DoesNotContain(upsert.LogLines, l => l.Contains("PGSEED046"));
        await using var leased = await upsert.LeaseAsync(Cancel);
        Assert.Equal(3L, await Shop.ScalarAsync<long>(leased.DataSource, "SELECT count(*) FROM \"Currencies\""));

        // What the seed carried reads back through EF: the enum, the jsonb owned type, the tree up to its root.
        await using var context = Shop.Context(leased.DataSource);
        var order = await context.Orders.Include(o => o.Lines).ThenInclude(l => l.Product).SingleAsync(Cancel);
        Assert.Equal(OrderStatus.Paid, order.Status);
        var product = order.Lines.Single().Product!;
        Assert.Equal("green", product.Details.Colour);
        Assert.Equal(["garden", "tools"], product.Details.Tags);
        var category = await context.Categories.Include(c => c.Parent).SingleAsync(c => c.Id == product.CategoryId, Cancel);
        Assert.Equal("Garden", category.Parent!.Name);
    }

    [Fact]
    public async Task A_seed_whose_rows_cover_the_HasData_rows_gets_no_warning()
    {
        var seed = await ExportOrdersSeedAsync(includeAllCurrencies: true);
        await using var db = new ShopFixture(o => o.Migrations<ShopContext>(npgsql: ShopContext.ConfigureNpgsql).Seed(seed, ImportMode.Truncate));
        await db.InitializeAsync();
        Assert.DoesNotContain(db.LogLines, l => l.Contains("PGSEED046"));
    }

    /// <summary>A source database migrated by EF, with an order of a product in a sub-category; exports the order and all it needs.</summary>
    private async Task<string> ExportOrdersSeedAsync(bool includeAllCurrencies = false)
    {
        await using var source = await postgres.CreateDatabaseAsync();
        var builder = new NpgsqlDataSourceBuilder(source.ConnectionString);
        builder.MapEnum<OrderStatus>("order_status");
        await using (var dataSource = builder.Build())
        await using (var context = Shop.Context(dataSource))
        {
            await context.Database.MigrateAsync(Cancel);
            var garden = new Category { Name = "Garden" };
            var tools = new Category { Name = "Garden tools", Parent = garden };
            var product = new Product
            {
                Name = "Spade", Price = 19.90m, CurrencyCode = "EUR", Category = tools,
                Details = new ProductDetails { Colour = "green", WeightGrams = 1200, Tags = ["garden", "tools"] },
            };
            context.Orders.Add(new Order
            {
                Customer = new Customer { Name = "Ada", Email = "ada@example.com" }, Status = OrderStatus.Paid, PlacedAt = new DateTime(2025, 5, 1, 0, 0, 0, DateTimeKind.Utc),
                Lines = [new OrderLine { LineNo = 1, Product = product, Quantity = 2 }],
            });
            await context.SaveChangesAsync(Cancel);
        }
        // Connections to this database opened before the migration know none of its types: clear its pool only.
        NpgsqlConnection.ClearPool(new NpgsqlConnection(source.ConnectionString));
        // A folder of its own under the temp folder, removed with the test process's other temp files by the OS.
        var folder = Path.Combine(Directory.CreateTempSubdirectory("pgseed-ef-seed-").FullName, "orders");
        var roots = new List<RootSelection> { new() { Table = "\"Orders\"" } };
        if (includeAllCurrencies) roots.Add(new RootSelection { Table = "\"Currencies\"" });
        await SeedExporter.ExportAsync(new ExportRequest { ConnectionString = source.ConnectionString, OutputDirectory = folder, Roots = roots },
            cancellationToken: Cancel);
        var manifest = ManifestSerializer.Read(folder);
        Assert.Contains(manifest.Tables, t => t.Table == "Currencies");
        Assert.DoesNotContain(manifest.Tables, t => t.Table == "__EFMigrationsHistory");
        return folder;
    }
}
