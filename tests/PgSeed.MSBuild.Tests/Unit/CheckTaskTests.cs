using Microsoft.Build.Framework;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Diff;
using PgSeed.MSBuild.Tasks;
using PgSeed.MSBuild.Tests.Infrastructure;
using static PgSeed.MSBuild.Tests.Infrastructure.Seeds;

namespace PgSeed.MSBuild.Tests.Unit;

/// <summary>PgSeedCheck (PgSeedExport with Check=true): compares, never exports, fails per stale seed with PGSEED024.</summary>
public sealed class CheckTaskTests
{
    [Fact]
    public void Stale_seeds_fail_with_one_line_per_changed_table_and_nothing_is_exported()
    {
        var ops = new FakeSeedOperations
        {
            OnCheck = r => r.OutputDirectory.EndsWith("stale")
                ? new SeedCheckResult { Folder = r.OutputDirectory, Changes = ["public.book: 10 → 11 rows, +1", "schema.sql: TABLE public.book changed"] }
                : new SeedCheckResult { Folder = r.OutputDirectory, UpToDate = true },
        };
        var (task, build) = TaskHarness.Create<PgSeedExport>(ops);
        task.Connection = "Host=db.example;Database=shop;Username=app";
        task.Check = true;
        task.Seeds = [Item("seeds/stale", ("Table", "book")), Item("seeds/fresh", ("Table", "country"))];

        Assert.False(task.Execute());

        Assert.Empty(ops.Exports);
        Assert.Equal(2, ops.Checks.Count);
        var error = Assert.Single(build.Errors);
        Assert.Equal(ErrorCode.SeedStale, error.Code);
        Assert.StartsWith("seeds/stale is out of date; run PgSeedExport to refresh it:\n  public.book: 10 → 11 rows, +1\n  schema.sql: TABLE public.book changed", error.Message);
        Assert.Contains(build.Messages, m => m.Importance == MessageImportance.High && m.Message == "PgSeed seeds/fresh: up to date");
        Assert.Empty(task.ExportedSeeds);
    }
}
