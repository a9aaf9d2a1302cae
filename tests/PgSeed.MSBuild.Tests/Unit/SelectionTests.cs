using PgSeed.Engine.Diagnostics;
using PgSeed.MSBuild.Tasks;
using PgSeed.MSBuild.Tests.Infrastructure;
using static PgSeed.MSBuild.Tests.Infrastructure.Seeds;

namespace PgSeed.MSBuild.Tests.Unit;

public sealed class SelectionTests
{
    private static readonly Microsoft.Build.Framework.ITaskItem[] ThreeSeeds =
    [
        Item("seeds/catalog", ("Table", "product")),
        Item("seeds/tenants", ("Table", "tenant")),
        Item("data/orders", ("Table", "orders"), ("Name", "big-orders")),
    ];

    [Theory]
    [InlineData("catalog", new[] { "catalog" })]
    [InlineData("seeds/tenants;big-orders", new[] { "tenants", "orders" })]
    [InlineData("SEEDS\\Catalog/, tenants", new[] { "catalog", "tenants" })]
    [InlineData("", new[] { "catalog", "tenants", "orders" })]
    public void PgSeedOnly_selects_items_by_include_folder_name_or_name(string only, string[] expectedFolders)
    {
        var ops = new FakeSeedOperations();
        var (task, build) = TaskHarness.Create<PgSeedExport>(ops);
        task.Connection = "Host=h;Database=d";
        task.Seeds = ThreeSeeds;
        task.Only = only;

        Assert.True(task.Execute(), string.Join("\n", build.AllText));
        Assert.Equal(expectedFolders, ops.Exports.Select(r => Path.GetFileName(r.OutputDirectory)));
    }

    [Fact]
    public void PgSeedOnly_naming_an_unknown_seed_is_error_PGSEED081_and_nothing_runs()
    {
        var ops = new FakeSeedOperations();
        var (task, build) = TaskHarness.Create<PgSeedVerify>(ops);
        task.Seeds = ThreeSeeds;
        task.Only = "catalog;catalgo";

        Assert.False(task.Execute());
        var error = Assert.Single(build.Errors);
        Assert.Equal(ErrorCode.NoMatchingSeedItem, error.Code);
        Assert.Contains("'catalgo'", error.Message);
        Assert.Empty(ops.Verifies);
    }
}
