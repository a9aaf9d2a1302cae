using PgSeed.Engine.Diagnostics;
using PgSeed.MSBuild.Tasks;
using PgSeed.MSBuild.Tests.Infrastructure;
using static PgSeed.MSBuild.Tests.Infrastructure.Seeds;

namespace PgSeed.MSBuild.Tests.Unit;

/// <summary>
/// <c>-p:PgSeedConnection="Host=h;Port=5433;Database=shop"</c> reaches MSBuild unquoted and is split at ';':
/// the task gets <c>Host=h</c> and Port / Database become global properties. That must fail, not connect elsewhere.
/// </summary>
public sealed class ConnectionSplitTests
{
    private static (T Task, GlobalPropertiesBuildEngine Build, FakeSeedOperations Ops) Create<T>(Dictionary<string, string> globals) where T : PgSeedTask, new()
    {
        var build = new GlobalPropertiesBuildEngine(globals);
        var ops = new FakeSeedOperations();
        var task = new T { BuildEngine = build, ProjectDirectory = TaskHarness.ProjectDirectory };
        task.Operations = ops;
        task.Seeds = [Item("seeds/a", ("Table", "t"))];
        return (task, build, ops);
    }

    [Fact]
    public void A_split_connection_string_fails_with_PGSEED085_showing_the_forms_that_work()
    {
        var (task, build, ops) = Create<PgSeedExport>(new() { ["PgSeedConnection"] = "Host=h", ["Port"] = "5433", ["Database"] = "shop", ["Password"] = "s3cret" });
        task.Connection = "Host=h";

        Assert.False(task.Execute());

        Assert.Empty(ops.Exports);
        var error = Assert.Single(build.Inner.Errors);
        Assert.Equal(ErrorCode.ConnectionSplit, error.Code);
        Assert.Contains("Database, Password, Port arrived as separate global properties", error.Message);
        Assert.Contains("-p:PgSeedConnection=postgresql://h:5433/shop", error.Message);
        Assert.Contains("-p:PgSeedConnection=Host=h%3BDatabase=shop%3BPort=5433", error.Message);
        Assert.Contains("'-p:PgSeedConnection=\"Host=h;Database=shop;Port=5433\"'", error.Message);
        Assert.Contains("PGSEED_CONNECTION", error.Message);
        Assert.Contains("docs/errors.md#pgseed085", error.Message);
        Assert.DoesNotContain("s3cret", error.Message);
    }

    [Fact]
    public void Import_checks_too_and_whole_connection_strings_or_unrelated_properties_pass()
    {
        var (import, build, _) = Create<PgSeedImport>(new() { ["PgSeedConnection"] = "Host=h", ["Username"] = "app" });
        import.Connection = "Host=h";
        Assert.False(import.Execute());
        Assert.Equal(ErrorCode.ConnectionSplit, Assert.Single(build.Inner.Errors).Code);

        // Quoted or escaped: one global property holding the whole string; Configuration is not a connection keyword.
        var (whole, wholeBuild, ops) = Create<PgSeedExport>(new() { ["PgSeedConnection"] = "Host=h;Port=5433;Database=shop", ["Configuration"] = "Release" });
        whole.Connection = "Host=h;Port=5433;Database=shop";
        Assert.True(whole.Execute(), string.Join("; ", wholeBuild.Inner.Errors.Select(e => e.Message)));
        Assert.Single(ops.Exports);

        // Port set globally for another reason, but the connection comes from the project or the environment: fine.
        var (fromProject, projectBuild, _) = Create<PgSeedExport>(new() { ["Port"] = "8080" });
        fromProject.Connection = "Host=h;Database=shop";
        Assert.True(fromProject.Execute(), string.Join("; ", projectBuild.Inner.Errors.Select(e => e.Message)));
    }

    [Fact]
    public void The_export_names_its_seed_and_the_command_that_refreshes_it()
    {
        var (task, _, ops) = Create<PgSeedExport>(new());
        task.Connection = "Host=h;Database=shop";
        task.ProjectFile = "Shop.csproj";
        task.Seeds = [Item("seeds/catalog", ("Table", "t")), Item("seeds/x", ("Config", "pgseed.config.json"), ("Name", "customers"))];
        task.Execute();
        var catalog = ops.Exports.First();
        Assert.Equal("catalog", catalog.SeedName);
        Assert.Equal("dotnet build Shop.csproj -t:PgSeedExport -p:PgSeedOnly=catalog", catalog.RefreshCommand);
    }
}
