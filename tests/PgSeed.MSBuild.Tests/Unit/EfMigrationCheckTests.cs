using Microsoft.Build.Utilities;
using PgSeed.Engine.Diagnostics;
using PgSeed.MSBuild.Tasks;
using PgSeed.MSBuild.Tests.Infrastructure;
using static PgSeed.MSBuild.Tests.Infrastructure.Seeds;

namespace PgSeed.MSBuild.Tests.Unit;

/// <summary>Issue 18.7: the export compares the database's EF migration with the project's migrations (read from the sources).</summary>
public sealed class EfMigrationCheckTests : IDisposable
{
    private const string Initial = "20250101000000_Initial";
    private const string AddOrders = "20250201000000_AddOrders";
    private readonly string _sources = Directory.CreateTempSubdirectory("pgseed-efcheck-").FullName;

    public EfMigrationCheckTests()
    {
        File.WriteAllText(Path.Combine(_sources, $"{Initial}.Designer.cs"),
            $"[DbContext(typeof(ShopContext))]\n[Migration(\"{Initial}\")]\npartial class Initial {{ }}\n");
        File.WriteAllText(Path.Combine(_sources, $"{AddOrders}.Designer.cs"),
            $"[global::Microsoft.EntityFrameworkCore.Migrations.Migration( \"{AddOrders}\" )]\npartial class AddOrders {{ }}\n");
        File.WriteAllText(Path.Combine(_sources, "Other.cs"), "class Other { string Migration = \"not an attribute\"; }\n");
    }

    public void Dispose() => Directory.Delete(_sources, recursive: true);

    [Fact]
    public void Finds_the_ids_dotnet_ef_writes_including_the_sample_project()
    {
        Assert.Equal([Initial, AddOrders], EfMigrationCheck.FindIds(Directory.GetFiles(_sources)));
        var sample = EfMigrationCheck.FindIds(Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "samples", "EfCoreShop", "Migrations")));
        Assert.Equal(2, sample.Count);
        Assert.EndsWith("_Initial", sample[0]);
        Assert.EndsWith("_AddOrders", sample[1]);
    }

    [Theory]
    [InlineData(AddOrders, null)]
    [InlineData(Initial, "1 later migration(s) the database has not applied (" + AddOrders + ")")]
    [InlineData("20250301000000_FromAnotherBranch", "which this project's migrations do not have")]
    public void Export_warns_when_the_database_and_the_project_disagree(string databaseAt, string? warning)
    {
        var (task, build) = TaskHarness.Create<PgSeedExport>(new FakeSeedOperations { EfMigration = databaseAt });
        task.Connection = "Host=db.example;Database=shop";
        task.Seeds = [Item("seeds/shop", ("Table", "\"Orders\""))];
        task.SourceFiles = Directory.GetFiles(_sources).Select(f => new TaskItem(f)).ToArray();

        Assert.True(task.Execute(), string.Join("\n", build.AllText));
        if (warning is null) Assert.DoesNotContain(build.Warnings, w => w.Code == ErrorCode.MigrationsDiffer);
        else Assert.Contains(warning, Assert.Single(build.Warnings, w => w.Code == ErrorCode.MigrationsDiffer).Message);
    }

    [Fact]
    public void The_migrations_may_live_in_another_folder_and_a_database_without_EF_is_not_compared()
    {
        var (task, build) = TaskHarness.Create<PgSeedExport>(new FakeSeedOperations { EfMigration = Initial });
        task.Connection = "Host=db.example;Database=shop";
        task.Seeds = [Item("seeds/shop", ("Table", "\"Orders\""))];
        task.EfMigrations = _sources; // absolute here; relative to the project in practice
        Assert.True(task.Execute());
        Assert.Single(build.Warnings, w => w.Code == ErrorCode.MigrationsDiffer);

        var (plain, plainBuild) = TaskHarness.Create<PgSeedExport>(new FakeSeedOperations());
        plain.Connection = "Host=db.example;Database=shop";
        plain.Seeds = [Item("seeds/shop", ("Table", "t"))];
        plain.EfMigrations = "no/such/folder"; // never looked at: the database has no migration history
        Assert.True(plain.Execute());
        Assert.Empty(plainBuild.Warnings);
    }
}
