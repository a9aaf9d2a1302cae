using PgSeed.Engine.Diagnostics;
using PgSeed.MSBuild.Tasks;
using PgSeed.MSBuild.Tests.Infrastructure;
using static PgSeed.MSBuild.Tests.Infrastructure.Seeds;

namespace PgSeed.MSBuild.Tests.Unit;

/// <summary>Items pointing at a seed definition file: <c>&lt;PgSeed Include="..." Config="pgseed.config.json" Name="..." /&gt;</c>.</summary>
public sealed class ConfigItemTests : IDisposable
{
    private readonly string _project = Directory.CreateTempSubdirectory("pgseed-msbuild-config-").FullName;

    public ConfigItemTests() => File.WriteAllText(Path.Combine(_project, "pgseed.config.json"), """
        {
          "connection": "Host=from-config;Database=shop;Username=app",
          "seeds": {
            "catalog": { "out": "ignored/by/items", "table": "public.product", "filter": "where id < 10", "children": "none",
                         "tables": { "public.product": { "omit": ["notes"] } } },
            "lookups": { "out": "seeds/lookups", "table": "country" }
          }
        }
        """);

    public void Dispose() => Directory.Delete(_project, true);

    [Fact]
    public void The_definition_file_describes_the_seed_and_the_item_places_it()
    {
        var ops = new FakeSeedOperations();
        var (task, build) = TaskHarness.Create<PgSeedExport>(ops);
        task.ProjectDirectory = _project;
        task.Seeds =
        [
            Item("seeds/catalog", ("Config", "pgseed.config.json"), ("Name", "catalog")),
            Item("seeds/lookups", ("Config", "pgseed.config.json")), // Name defaults to the folder name
        ];

        Assert.True(task.Execute(), string.Join("\n", build.AllText));

        var requests = ops.Exports.ToArray();
        Assert.Equal("public.product", requests[0].Roots[0].Table);
        Assert.Equal("where id < 10", requests[0].Roots[0].Filter);
        Assert.Equal(PgSeed.Engine.Export.ChildrenMode.None, requests[0].Children);
        Assert.Equal(["notes"], requests[0].Rules.Single().Omit);
        Assert.Equal(Path.Combine(_project, "seeds", "catalog"), requests[0].OutputDirectory);
        Assert.Contains("Host=from-config", requests[0].ConnectionString);
        Assert.Equal("country", requests[1].Roots[0].Table);
    }

    [Fact]
    public void An_explicit_connection_wins_and_unknown_names_or_mixed_metadata_fail_with_codes()
    {
        var ops = new FakeSeedOperations();
        var (task, build) = TaskHarness.Create<PgSeedExport>(ops);
        task.ProjectDirectory = _project;
        task.Connection = "Host=explicit;Database=x";
        task.Seeds = [Item("seeds/catalog", ("Config", "pgseed.config.json"))];
        Assert.True(task.Execute(), string.Join("\n", build.AllText));
        Assert.Contains("Host=explicit", ops.Exports.Single().ConnectionString);

        var (unknown, unknownBuild) = TaskHarness.Create<PgSeedExport>(new FakeSeedOperations());
        unknown.ProjectDirectory = _project;
        unknown.Seeds = [Item("seeds/other", ("Config", "pgseed.config.json"))];
        Assert.False(unknown.Execute());
        Assert.Contains(unknownBuild.Errors, e => e.Code == ErrorCode.NoSeedMatched);

        var (mixed, mixedBuild) = TaskHarness.Create<PgSeedExport>(new FakeSeedOperations());
        mixed.ProjectDirectory = _project;
        mixed.Seeds = [Item("seeds/catalog", ("Config", "pgseed.config.json"), ("Table", "t"))];
        Assert.False(mixed.Execute());
        Assert.Contains(mixedBuild.Errors, e => e.Code == ErrorCode.BuildItemInvalid);
    }

    [Fact]
    public void AllowPii_and_Strict_metadata_mirror_the_cli_options()
    {
        var ops = new FakeSeedOperations();
        var (task, build) = TaskHarness.Create<PgSeedExport>(ops);
        task.Connection = "Host=h;Database=d";
        task.Seeds = [Item("seeds/a", ("Table", "customer"), ("AllowPii", "public.customer.*; public.address.city"), ("Strict", "true"))];
        Assert.True(task.Execute(), string.Join("\n", build.AllText));
        var request = ops.Exports.Single();
        Assert.Equal(["public.customer.*", "public.address.city"], request.AllowPii);
        Assert.True(request.Strict);

        var (bad, badBuild) = TaskHarness.Create<PgSeedExport>(new FakeSeedOperations());
        bad.Connection = "Host=h;Database=d";
        bad.Seeds = [Item("seeds/a", ("Table", "customer"), ("Strict", "yes"))];
        Assert.False(bad.Execute());
        Assert.Contains(badBuild.Errors, e => e.Code == ErrorCode.BuildItemInvalid);
    }
}
