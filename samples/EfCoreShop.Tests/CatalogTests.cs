using Microsoft.EntityFrameworkCore;

namespace EfCoreShop.Tests;

public sealed class CatalogTests(ShopDatabase db) : PgSeedTest<ShopDatabase>(db)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_category_tree_comes_with_the_seed_up_to_its_roots()
    {
        await using var context = Database.CreateContext();
        var roots = await context.Categories.Where(c => c.ParentId == null).Include(c => c.Children).OrderBy(c => c.Name).ToListAsync(Cancel);
        Assert.Equal(["Garden", "Kitchen"], roots.Select(r => r.Name));
        Assert.Equal(["Garden tools", "Watering"], roots[0].Children.Select(c => c.Name).Order());
    }

    [Fact]
    public async Task Product_details_are_a_jsonb_owned_type_EF_can_query()
    {
        await using var context = Database.CreateContext();
        var garden = await context.Products.Where(p => p.Details.Tags.Contains("garden")).OrderBy(p => p.Id).Select(p => p.Name).ToListAsync(Cancel);
        Assert.Equal(["Spade", "Watering can"], garden);
        var knife = await context.Products.SingleAsync(p => p.Name == "Chef's knife", Cancel);
        Assert.Null(knife.Details.Colour);
        Assert.Equal(210, knife.Details.WeightGrams);
    }

    [Fact]
    public async Task Currencies_from_the_migrations_HasData_stay_next_to_the_seeds_rows()
    {
        await using var context = Database.CreateContext();
        Assert.Equal(["EUR", "GBP", "USD"], await context.Currencies.OrderBy(c => c.Code).Select(c => c.Code).ToListAsync(Cancel));
    }

    [Fact]
    public async Task Renaming_a_category_is_undone_for_the_next_test()
    {
        await using var context = Database.CreateContext();
        var garden = await context.Categories.SingleAsync(c => c.Name == "Garden", Cancel);
        garden.Name = "Outdoor";
        await context.SaveChangesAsync(Cancel);
        await Database.ResetAsync(Cancel); // back to the seed in the middle of a test
        await using var fresh = Database.CreateContext();
        Assert.True(await fresh.Categories.AnyAsync(c => c.Name == "Garden", Cancel));
    }
}
