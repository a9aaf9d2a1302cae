using Microsoft.Build.Framework;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Import;
using PgSeed.MSBuild.Tasks;
using PgSeed.MSBuild.Tests.Infrastructure;
using static PgSeed.MSBuild.Tests.Infrastructure.Seeds;

namespace PgSeed.MSBuild.Tests.Unit;

public sealed class ImportAndVerifyTaskTests
{
    [Theory]
    [InlineData(null, ImportMode.Append)]
    [InlineData("truncate", ImportMode.Truncate)]
    [InlineData("Upsert", ImportMode.Upsert)]
    public void Import_passes_mode_and_options_for_each_seed_folder(string? mode, ImportMode expected)
    {
        var ops = new FakeSeedOperations();
        var (task, build) = TaskHarness.Create<PgSeedImport>(ops);
        task.Connection = "Host=h;Database=d";
        task.Mode = mode;
        task.Cascade = true;
        task.Seeds = [Item("seeds/a", ("Table", "t")), Item("seeds/b", ("Table", "t"))];

        Assert.True(task.Execute(), string.Join("\n", build.AllText));
        var requests = ops.Imports.ToArray();
        Assert.Equal([Path.GetFullPath("/repo/app/seeds/a"), Path.GetFullPath("/repo/app/seeds/b")], requests.Select(r => r.SeedDirectory));
        Assert.All(requests, r => Assert.Equal(expected, r.Mode));
        Assert.All(requests, r => Assert.True(r.Cascade));
        Assert.Equal(2, build.Messages.Count(m => m.Importance == MessageImportance.High));
    }

    [Fact]
    public void Import_and_verify_need_only_the_folder_while_export_needs_a_Table()
    {
        var ops = new FakeSeedOperations();
        var (import, importBuild) = TaskHarness.Create<PgSeedImport>(ops);
        import.Connection = "Host=h;Database=d";
        import.Seeds = [Item("seeds/a")];
        Assert.True(import.Execute(), string.Join("\n", importBuild.AllText));

        var (verify, verifyBuild) = TaskHarness.Create<PgSeedVerify>(ops);
        verify.Seeds = [Item("seeds/a")];
        Assert.True(verify.Execute(), string.Join("\n", verifyBuild.AllText));

        var (export, exportBuild) = TaskHarness.Create<PgSeedExport>(ops);
        export.Connection = "Host=h;Database=d";
        export.Seeds = [Item("seeds/a")];
        Assert.False(export.Execute());
        Assert.Contains("set Table", Assert.Single(exportBuild.Errors, e => e.Code == ErrorCode.BuildItemInvalid).Message);
        Assert.Empty(ops.Exports);
    }

    [Fact]
    public void Import_stops_at_the_first_failing_seed()
    {
        var ops = new FakeSeedOperations { OnImport = (_, _, _) => throw new PgSeedException(ErrorCode.ForeignKeyViolation, "fk") };
        var (task, build) = TaskHarness.Create<PgSeedImport>(ops);
        task.Connection = "Host=h;Database=d";
        task.Seeds = [Item("seeds/a", ("Table", "t")), Item("seeds/b", ("Table", "t"))];

        Assert.False(task.Execute());
        Assert.Equal(ErrorCode.ForeignKeyViolation, Assert.Single(build.Errors).Code);
        Assert.Single(ops.Imports);
    }

    [Fact]
    public void Import_with_an_unknown_mode_is_error_PGSEED080()
    {
        var ops = new FakeSeedOperations();
        var (task, build) = TaskHarness.Create<PgSeedImport>(ops);
        task.Connection = "Host=h;Database=d";
        task.Mode = "merge";
        task.Seeds = [Item("seeds/a", ("Table", "t"))];

        Assert.False(task.Execute());
        Assert.Equal(ErrorCode.BuildItemInvalid, Assert.Single(build.Errors).Code);
        Assert.Empty(ops.Imports);
    }

    [Fact]
    public void Verify_reports_every_problem_of_every_seed()
    {
        var ops = new FakeSeedOperations
        {
            OnVerify = folder => folder.EndsWith("a")
                ? [new PgSeedException(ErrorCode.ChecksumMismatch, "edited") { File = folder + "/public.t.csv" },
                   new PgSeedException(ErrorCode.SeedFileMissing, "missing") { File = folder + "/public.u.csv" }]
                : [],
        };
        var (task, build) = TaskHarness.Create<PgSeedVerify>(ops);
        task.Seeds = [Item("seeds/a", ("Table", "t")), Item("seeds/b", ("Table", "t"))];

        Assert.False(task.Execute());
        Assert.Equal([ErrorCode.ChecksumMismatch, ErrorCode.SeedFileMissing], build.Errors.Select(e => e.Code));
        Assert.EndsWith("public.t.csv", build.Errors.First().File);
        Assert.Contains(build.Messages, m => m.Importance == MessageImportance.High && m.Message!.StartsWith("PgSeed seeds/b: verified"));
    }

    [Fact]
    public void Verify_of_a_missing_folder_with_the_real_engine_is_PGSEED030()
    {
        var build = new FakeBuildEngine();
        var task = new PgSeedVerify { BuildEngine = build, ProjectDirectory = Path.GetTempPath(), Seeds = [Item($"no-such-seed-{Guid.NewGuid():N}", ("Table", "t"))] };

        Assert.False(task.Execute());
        Assert.Equal(ErrorCode.SeedFolderMissing, Assert.Single(build.Errors).Code);
    }
}
