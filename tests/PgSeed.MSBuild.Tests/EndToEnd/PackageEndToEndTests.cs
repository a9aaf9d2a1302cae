using System.IO.Compression;
using System.Text;
using Npgsql;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.MSBuild.Engine;
using PgSeed.MSBuild.Tests.Infrastructure;
using Seed = PgSeed.MSBuild.Tests.Infrastructure.ConsumerProject.Seed;

namespace PgSeed.MSBuild.Tests.EndToEnd;

/// <summary>
/// The package as a consumer gets it: packed from this checkout, restored from a local feed into a fresh
/// project, run with <c>dotnet build -t:...</c> against a throwaway server.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class PackageEndToEndTests(PackedFeed feed, PostgresServer postgres)
{
    private const string Password = "e2e-Pa55-not-in-any-log";

    private static readonly Seed[] TwoSeeds =
    [
        new("seeds/books", ("Table", "public.book"), ("Filter", "where id <= 4 order by id")),
        new("seeds/customers", ("Table", "customer"), ("Raw", "select * from customer where id in (1, 2)"), ("Children", "none"),
            ("IncludeTables", "genre:where parent_id is null")),
    ];

    /// <summary>The same definitions as <see cref="TwoSeeds"/>, as engine requests.</summary>
    private static ExportRequest[] SameDefinitions(string connectionString, string root) =>
    [
        new()
        {
            ConnectionString = connectionString, OutputDirectory = Path.Combine(root, "books"),
            Roots = [new RootSelection { Table = "public.book", Filter = "where id <= 4 order by id" }],
        },
        new()
        {
            ConnectionString = connectionString, OutputDirectory = Path.Combine(root, "customers"), Children = ChildrenMode.None,
            Roots = [new RootSelection { Table = "customer", Raw = "select * from customer where id in (1, 2)" },
                     new RootSelection { Table = "genre", Filter = "where parent_id is null" }],
        },
    ];

    /// <summary>How CI passes the connection: the environment, password through PGPASSWORD.</summary>
    private static Dictionary<string, string?> Environment(string connectionString) => new()
    {
        ["PGSEED_CONNECTION"] = connectionString,
        ["PGPASSWORD"] = Password,
        ["PGHOST"] = null, ["PGPORT"] = null, ["PGDATABASE"] = null, ["PGUSER"] = null,
    };

    [Fact]
    public async Task Export_matches_the_engine_byte_for_byte_then_verify_passes_and_catches_a_hand_edit()
    {
        await using var db = await postgres.CreateDatabaseAsync(ShopSchema.Ddl + ShopSchema.Data);
        var consumer = ConsumerProject.Create(feed, "single", "net10.0", TwoSeeds);
        var binlog = consumer.PathOf("export.binlog");

        var export = (await consumer.BuildAsync(Environment(db.ConnectionString), "-t:PgSeedExport", $"-bl:{binlog}"))
            .EnsureSuccess("dotnet build -t:PgSeedExport");
        Assert.Contains("PgSeed seeds/books: Exported", export.Output);
        Assert.Contains("PgSeed seeds/customers: Exported", export.Output);

        var expectedRoot = consumer.PathOf("expected");
        foreach (var request in SameDefinitions(db.ConnectionString, expectedRoot))
            await EngineOperations.Instance.ExportAsync(request, NullSeedLog.Instance, TestContext.Current.CancellationToken);
        AssertSameFiles(Path.Combine(expectedRoot, "books"), consumer.PathOf("seeds/books"));
        AssertSameFiles(Path.Combine(expectedRoot, "customers"), consumer.PathOf("seeds/customers"));

        Assert.DoesNotContain(Password, export.Output);
        Assert.DoesNotContain(Password, ReadBinlogText(binlog));

        (await consumer.BuildAsync(Environment(db.ConnectionString), "-t:PgSeedVerify")).EnsureSuccess("dotnet build -t:PgSeedVerify");

        var csv = Directory.GetFiles(consumer.PathOf("seeds/books"), "*book*.csv").Single();
        var lines = File.ReadAllLines(csv);
        lines[1] = lines[1].Replace("Book", "Bok");
        File.WriteAllLines(csv, lines);
        var verify = await consumer.BuildAsync(Environment(db.ConnectionString), "-t:PgSeedVerify");
        Assert.NotEqual(0, verify.ExitCode);
        Assert.Contains($"error {ErrorCode.ChecksumMismatch}", verify.Output);
        Assert.Contains(Path.GetFileName(csv), verify.Output);
    }

    [Fact]
    public async Task Import_loads_the_seeds_into_an_empty_copy_of_the_schema()
    {
        await using var source = await postgres.CreateDatabaseAsync(ShopSchema.Ddl + ShopSchema.Data);
        await using var target = await postgres.CreateDatabaseAsync(ShopSchema.Ddl);
        var consumer = ConsumerProject.Create(feed, "import", "net10.0", TwoSeeds);
        // The seeds come from the engine directly (export through the target is covered above): one build fewer.
        foreach (var request in SameDefinitions(source.ConnectionString, consumer.PathOf("seeds")))
            await EngineOperations.Instance.ExportAsync(request, NullSeedLog.Instance, TestContext.Current.CancellationToken);

        var import = await consumer.BuildAsync(Environment(target.ConnectionString), "-t:PgSeedImport", "-p:PgSeedOnly=books");
        import.EnsureSuccess("dotnet build -t:PgSeedImport");
        Assert.Contains("PgSeed seeds/books: ", import.Output);

        Assert.Equal(4L, await target.ScalarAsync<long>("select count(*) from book"));
        Assert.Equal(
            await source.ScalarAsync<string>("select string_agg(b::text, '|' order by id) from book b where id <= 4"),
            await target.ScalarAsync<string>("select string_agg(b::text, '|' order by id) from book b"));
    }

    [Fact]
    public async Task Multi_targeting_consumer_with_seeds_in_Directory_Build_targets_exports_and_verifies_once_per_build_when_opted_in()
    {
        await using var db = await postgres.CreateDatabaseAsync(ShopSchema.Ddl + ShopSchema.Data);
        var consumer = ConsumerProject.Create(feed, "multi", "net8.0;net10.0", TwoSeeds, seedsInDirectoryBuildTargets: true);

        var export = (await consumer.BuildAsync(Environment(db.ConnectionString), "-t:PgSeedExport", "-p:PgSeedOnly=customers"))
            .EnsureSuccess("dotnet build -t:PgSeedExport on a multi-targeting project");
        Assert.True(File.Exists(consumer.PathOf("seeds/customers/pgseed.json")));
        Assert.False(Directory.Exists(consumer.PathOf("seeds/books")));

        // A normal build with both opt-ins: export then verify, once each (outer build), not once per target framework.
        var build = (await consumer.BuildAsync(Environment(db.ConnectionString),
                "-p:PgSeedExportOnBuild=true", "-p:PgSeedVerifyOnBuild=true", "-p:PgSeedOnly=customers"))
            .EnsureSuccess("dotnet build with PgSeedExportOnBuild and PgSeedVerifyOnBuild");
        Assert.Equal(1, CountOccurrences(build.Output, "PgSeed seeds/customers: Exported"));
        Assert.Equal(1, CountOccurrences(build.Output, "PgSeed seeds/customers: verified"));
        Assert.True(build.Output.IndexOf("PgSeed seeds/customers: Exported", StringComparison.Ordinal)
                    < build.Output.IndexOf("PgSeed seeds/customers: verified", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Verify_needs_no_database_and_a_normal_build_runs_no_export()
    {
        var consumer = ConsumerProject.Create(feed, "nodb", "net10.0", [new("seeds/missing", ("Table", "t"))]);
        var noConnection = new Dictionary<string, string?> { ["PGSEED_CONNECTION"] = null, ["PGHOST"] = null, ["PGDATABASE"] = null };

        // A plain build must not touch the database (there is none) nor the seeds.
        (await consumer.BuildAsync(noConnection)).EnsureSuccess("plain dotnet build");

        var verify = await consumer.BuildAsync(noConnection, "-t:PgSeedVerify");
        Assert.NotEqual(0, verify.ExitCode);
        Assert.Contains($"error {ErrorCode.SeedFolderMissing}", verify.Output);
        Assert.Contains("docs/errors.md#pgseed030", verify.Output);
    }

    /// <summary>
    /// A repository with two projects, only one of which references the package: the documented solution-level command works
    /// once the package's solution/Directory.Solution.targets sits next to the solution (without it, MSB4057 on the other project).
    /// </summary>
    [Fact]
    public async Task Solution_level_targets_run_in_the_projects_with_the_package_and_skip_the_others()
    {
        await using var db = await postgres.CreateDatabaseAsync(ShopSchema.Ddl + ShopSchema.Data);
        var app = ConsumerProject.Create(feed, Path.Combine("solution", "App"), "net10.0", TwoSeeds);
        var root = Path.GetDirectoryName(app.Directory)!;
        File.Copy(Path.Combine(app.Directory, "nuget.config"), Path.Combine(root, "nuget.config"), overwrite: true);
        Directory.CreateDirectory(Path.Combine(root, "Other"));
        File.WriteAllText(Path.Combine(root, "Other", "Other.csproj"),
            "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>\n</Project>\n");
        File.WriteAllText(Path.Combine(root, "Shop.slnx"),
            "<Solution>\n  <Project Path=\"App/Consumer.csproj\" />\n  <Project Path=\"Other/Other.csproj\" />\n</Solution>\n");
        Task<DotNet.Result> Solution(params string[] arguments) =>
            DotNet.RunAsync(root, Environment(db.ConnectionString), ["build", "Shop.slnx", "-nodeReuse:false", "-nologo", .. arguments]);

        var without = await Solution("-t:PgSeedVerify");
        Assert.NotEqual(0, without.ExitCode);
        Assert.Contains("MSB4057", without.Output);

        using (var package = ZipFile.OpenRead(Directory.GetFiles(feed.Feed, "PgSeed.MSBuild.*.nupkg").Single()))
            package.GetEntry("solution/Directory.Solution.targets")!.ExtractToFile(Path.Combine(root, "Directory.Solution.targets"));

        var export = (await Solution("-t:PgSeedExport")).EnsureSuccess("dotnet build Shop.slnx -t:PgSeedExport");
        Assert.Contains("PgSeed seeds/books: Exported", export.Output);
        Assert.DoesNotContain("MSB4057", export.Output);
        var verify = (await Solution("-t:PgSeedVerify", "-p:PgSeedOnly=customers")).EnsureSuccess("dotnet build Shop.slnx -t:PgSeedVerify");
        Assert.Contains("PgSeed seeds/customers: verified", verify.Output);
        Assert.DoesNotContain("PgSeed seeds/books: verified", verify.Output);

        // A name no project declares still fails, with the solution-level check.
        var typo = await Solution("-t:PgSeedVerify", "-p:PgSeedOnly=custmers");
        Assert.NotEqual(0, typo.ExitCode);
        Assert.Contains($"error {ErrorCode.NoMatchingSeedItem}", typo.Output);
        Assert.Contains("'custmers'", typo.Output);
    }

    private static void AssertSameFiles(string expectedFolder, string actualFolder)
    {
        var expected = Directory.GetFiles(expectedFolder).Select(Path.GetFileName).Order().ToArray();
        var actual = Directory.GetFiles(actualFolder).Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(expected, actual);
        Assert.NotEmpty(actual);
        // The README shows the command that refreshes the seed, which differs (pgseed export / dotnet build).
        Assert.Contains("-t:PgSeedExport -p:PgSeedOnly=", File.ReadAllText(Path.Combine(actualFolder, "README.md")));
        foreach (var file in actual.Where(f => f != "README.md"))
            Assert.True(File.ReadAllBytes(Path.Combine(expectedFolder, file!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actualFolder, file!))),
                $"{file} differs between the engine's export and the MSBuild target's");
    }

    /// <summary>A binlog is a gzip stream of records whose strings are UTF-8; good enough to search for a secret.</summary>
    private static string ReadBinlogText(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        return Encoding.UTF8.GetString(memory.ToArray());
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
