using Microsoft.Build.Framework;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.MSBuild.Tasks;
using PgSeed.MSBuild.Tests.Infrastructure;
using static PgSeed.MSBuild.Tests.Infrastructure.Seeds;

namespace PgSeed.MSBuild.Tests.Unit;

public sealed class ExportTaskTests
{
    private const string Connection = "Host=db.example;Port=5433;Database=shop;Username=app";

    [Fact]
    public void Item_metadata_becomes_the_export_request()
    {
        var ops = new FakeSeedOperations();
        var (task, build) = TaskHarness.Create<PgSeedExport>(ops);
        task.Connection = Connection;
        task.Parallel = "3";
        task.Seeds =
        [
            Item("seeds/catalog", ("Table", "public.product"), ("Filter", "where country_code = 'DE' order by id limit 500"),
                ("IncludeTables", "public.currency; tag:where id < 10"), ("ExcludeEdges", "public.review.review_product_fk"),
                ("Schemas", "public, sales")),
            Item("seeds/tenants/", ("Table", "tenant"), ("Raw", "select * from tenant where id in (1, 2)"), ("Children", "none"),
                ("ExtraTables", "public.currency"), ("Parallel", "1")),
        ];

        Assert.True(task.Execute(), string.Join("\n", build.AllText));

        var requests = ops.Exports.ToArray();
        Assert.Equal(2, requests.Length);
        var catalog = requests[0];
        Assert.Equal(Path.GetFullPath("/repo/app/seeds/catalog"), catalog.OutputDirectory);
        Assert.Equal(
            [
                new RootSelection { Table = "public.product", Filter = "where country_code = 'DE' order by id limit 500" },
                new RootSelection { Table = "public.currency" },
                new RootSelection { Table = "tag", Filter = "where id < 10" },
            ], catalog.Roots);
        Assert.Equal(ChildrenMode.All, catalog.Children);
        Assert.Equal(["public.review.review_product_fk"], catalog.ExcludedEdges);
        Assert.Equal(["public", "sales"], catalog.Schemas);
        Assert.Equal(3, catalog.Parallel);
        Assert.Contains("Host=db.example", catalog.ConnectionString);

        var tenants = requests[1];
        Assert.Equal(Path.GetFullPath("/repo/app/seeds/tenants"), tenants.OutputDirectory);
        Assert.Equal(ChildrenMode.None, tenants.Children);
        Assert.Equal("select * from tenant where id in (1, 2)", tenants.Roots[0].Raw);
        Assert.Equal("public.currency", tenants.Roots[1].Table);
        Assert.Equal(1, tenants.Parallel);
        Assert.Equal(2, task.ExportedSeeds.Length);
    }

    [Fact]
    public void Logs_one_high_importance_summary_per_seed_detail_at_normal_and_sql_at_low()
    {
        var ops = new FakeSeedOperations
        {
            OnExport = (_, log, _) =>
            {
                log.Sql("COPY (SELECT 1) TO STDOUT");
                log.Detail("public.t: 3 rows");
                return Task.CompletedTask;
            },
        };
        var (task, build) = TaskHarness.Create<PgSeedExport>(ops);
        task.Connection = Connection;
        task.Seeds = [Item("seeds/a", ("Table", "t")), Item("seeds/b", ("Table", "t"))];

        Assert.True(task.Execute());

        var high = build.Messages.Where(m => m.Importance == MessageImportance.High).Select(m => m.Message).ToList();
        Assert.Equal(2, high.Count);
        Assert.StartsWith("PgSeed seeds/a: exported 1 tables, 3 rows", high[0]);
        Assert.Contains(build.Messages, m => m.Importance == MessageImportance.Low && m.Message == "COPY (SELECT 1) TO STDOUT");
        Assert.Contains(build.Messages, m => m.Importance == MessageImportance.Normal && m.Message == "public.t: 3 rows");
    }

    [Fact]
    public void The_engine_summary_is_the_one_summary_line_prefixed_with_the_seed()
    {
        var ops = new FakeSeedOperations { OnExport = (_, log, _) => { log.Summary("Exported 1 tables, 3 rows"); return Task.CompletedTask; } };
        var (task, build) = TaskHarness.Create<PgSeedExport>(ops);
        task.Connection = Connection;
        task.Seeds = [Item("seeds/a", ("Table", "t"))];

        Assert.True(task.Execute());
        var high = Assert.Single(build.Messages, m => m.Importance == MessageImportance.High);
        Assert.Equal("PgSeed seeds/a: Exported 1 tables, 3 rows", high.Message);
    }

    [Fact]
    public void Engine_errors_become_msbuild_errors_with_code_help_link_file_and_line()
    {
        var ops = new FakeSeedOperations
        {
            OnExport = (r, _, _) => r.OutputDirectory.EndsWith("bad")
                ? throw new PgSeedException(ErrorCode.TableNotFound, "Table \"nope\" does not exist.") { File = "/repo/app/x.sql", Line = 7, Position = 3 }
                : Task.CompletedTask,
        };
        var (task, build) = TaskHarness.Create<PgSeedExport>(ops);
        task.Connection = Connection;
        task.Seeds = [Item("seeds/bad", ("Table", "nope")), Item("seeds/good", ("Table", "t"))];

        Assert.False(task.Execute());

        var error = Assert.Single(build.Errors);
        Assert.Equal("PGSEED010", error.Code);
        Assert.Equal("PgSeed", error.Subcategory);
        Assert.Equal("PGSEED010", error.HelpKeyword);
        Assert.Equal("https://github.com/pgseed/pgseed/blob/main/docs/errors.md#pgseed010", error.HelpLink);
        Assert.Equal("/repo/app/x.sql", error.File);
        Assert.Equal(7, error.LineNumber);
        Assert.Equal(3, error.ColumnNumber);
        // A failing seed does not stop the others.
        Assert.Equal(2, ops.Exports.Count);
        Assert.Single(task.ExportedSeeds);
    }

    [Theory]
    [InlineData("Children", "some", "Children must be 'all' or 'none'")]
    [InlineData("Parallel", "0", "Parallel on PgSeed item 'seeds/a' must be a whole number from 1 to 16")]
    [InlineData("Parallel", "many", "must be a whole number")]
    public void Invalid_metadata_is_error_PGSEED080(string metadata, string value, string expected)
    {
        var ops = new FakeSeedOperations();
        var (task, build) = TaskHarness.Create<PgSeedExport>(ops);
        task.Connection = Connection;
        task.Seeds = [Item("seeds/a", ("Table", "t"), (metadata, value))];

        Assert.False(task.Execute());

        var error = Assert.Single(build.Errors);
        Assert.Equal(ErrorCode.BuildItemInvalid, error.Code);
        Assert.Contains(expected, error.Message);
        Assert.Empty(ops.Exports);
    }

    [Fact]
    public void Missing_table_duplicate_folders_and_both_include_aliases_are_errors()
    {
        foreach (var seeds in new[]
                 {
                     new[] { Item("seeds/a", ("Filter", "where true")) },
                     new[] { Item("seeds/a", ("Table", "t")), Item("seeds/a/", ("Table", "u")) },
                     new[] { Item("seeds/a", ("Table", "t"), ("IncludeTables", "u"), ("ExtraTables", "v")) },
                 })
        {
            var ops = new FakeSeedOperations();
            var (task, build) = TaskHarness.Create<PgSeedExport>(ops);
            task.Connection = Connection;
            task.Seeds = seeds;
            Assert.False(task.Execute());
            Assert.Equal(ErrorCode.BuildItemInvalid, Assert.Single(build.Errors).Code);
            Assert.Empty(ops.Exports);
        }
    }

    [Fact]
    public void No_connection_anywhere_is_error_PGSEED001()
    {
        // Connection resolution falls back to the environment; only meaningful where none is set.
        Assert.SkipWhen(new[] { "PGSEED_CONNECTION", "PGHOST", "PGDATABASE" }.Any(v => Environment.GetEnvironmentVariable(v) is not null),
            "a connection is configured in this environment");
        var ops = new FakeSeedOperations();
        var (task, build) = TaskHarness.Create<PgSeedExport>(ops);
        task.Seeds = [Item("seeds/a", ("Table", "t"))];

        Assert.False(task.Execute());
        Assert.Equal(ErrorCode.NoConnection, Assert.Single(build.Errors).Code);
    }

    [Fact]
    public void No_items_is_a_warning_not_an_error()
    {
        var (task, build) = TaskHarness.Create<PgSeedExport>(new FakeSeedOperations());
        Assert.True(task.Execute());
        Assert.Equal(ErrorCode.NoSeedItems, Assert.Single(build.Warnings).Code);
    }

    [Fact]
    public void Dry_run_is_passed_through()
    {
        var ops = new FakeSeedOperations();
        var (task, build) = TaskHarness.Create<PgSeedExport>(ops);
        task.Connection = Connection;
        task.DryRun = true;
        task.Seeds = [Item("seeds/a", ("Table", "t"))];
        Assert.True(task.Execute());
        Assert.True(Assert.Single(ops.Exports).DryRun);
        Assert.Contains(build.Messages, m => m.Importance == MessageImportance.High && m.Message!.StartsWith("PgSeed seeds/a: dry run, would export 1 tables"));
    }
}
