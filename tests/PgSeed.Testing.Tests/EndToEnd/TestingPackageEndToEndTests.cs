using System.Security;

namespace PgSeed.Testing.Tests.EndToEnd;

/// <summary>
/// PgSeed.Testing as xUnit users get it: packed from this checkout (with PgSeed.Testing.Core and PgSeed.Engine) into a
/// local feed, referenced by a fresh test project on xunit.v3 3.x and on 4.x, built (no warnings caused by PgSeed), and
/// run: a green run, and a run with a test that fails on purpose whose output carries the change report and the kept
/// database's psql command.
/// </summary>
[Collection(PackedTestingFeed.Name)]
public sealed class TestingPackageEndToEndTests(PackedTestingFeed feed)
{
    [Theory]
    [InlineData("3.2.2")]
    [InlineData("4.0.2")]
    public async Task An_xunit_consumer_builds_without_warnings_passes_and_explains_a_failure(string xunitVersion)
    {
        var consumer = feed.CreateConsumer($"xunit-{xunitVersion}", xunitVersion);
        var build = (await ConsumerRun.DotNetAsync(consumer, null, "build", "-c", "Release", "-nodeReuse:false", "-nologo", "-clp:NoSummary"))
            .EnsureSuccess($"dotnet build (xunit.v3 {xunitVersion})");
        var warnings = build.Output.Split('\n').Where(l => l.Contains(" warning ", StringComparison.Ordinal)).ToList();
        Assert.True(warnings.Count == 0, "Warnings in a consumer's build:\n" + string.Join("\n", warnings));

        var assembly = Path.Combine(consumer, "bin", "Release", "net10.0", "Consumer.dll");
        var green = (await ConsumerRun.DotNetAsync(consumer, new Dictionary<string, string?> { ["CONSUMER_FAIL"] = null }, assembly))
            .EnsureSuccess($"the consumer's tests (xunit.v3 {xunitVersion})");
        Assert.DoesNotContain("PgSeed: kept database", green.Output);
        Assert.DoesNotContain("changed relative to the seed", green.Output);

        var red = await ConsumerRun.DotNetAsync(consumer, new Dictionary<string, string?>
        {
            ["CONSUMER_FAIL"] = "1",
            [PgSeedDatabase.ExplainFailedVariable] = "1",
            [PgSeedDatabase.KeepFailedVariable] = "1",
        }, assembly);
        Assert.NotEqual(0, red.ExitCode);
        Assert.Contains("deliberately failing", red.Output);
        Assert.Contains("changed relative to the seed", red.Output);
        Assert.Contains("~ id=1: body 'seeded' → 'changed by the failing test'", red.Output);
        Assert.Contains("+ id=2", red.Output);
        Assert.Contains("PgSeed: kept database", red.Output);
        Assert.Contains("psql -h ", red.Output);
        Assert.DoesNotContain("Password", red.Output);
    }
}

/// <summary>Packs the three packages once per run, under a version of their own so no cached package stands in for them.</summary>
public sealed class PackedTestingFeed : IAsyncLifetime
{
    public const string Name = "packed PgSeed.Testing";

    public string Root { get; } = Directory.CreateTempSubdirectory("pgseed-testing-e2e-").FullName;
    public string Feed => Path.Combine(Root, "feed");
    public string Version { get; } = $"0.0.0-e2e.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

    public async ValueTask InitializeAsync()
    {
        foreach (var project in new[] { "PgSeed.Engine", "PgSeed.Testing.Core", "PgSeed.Testing" })
            (await ConsumerRun.DotNetAsync(ConsumerRun.RepositoryRoot, null, "pack", Path.Combine("src", project, project + ".csproj"), "-c", "Release",
                    "-o", Feed, "--artifacts-path", Path.Combine(Root, "build"), "-nodeReuse:false", "-nologo",
                    "-p:ContinuousIntegrationBuild=true", $"-p:Version={Version}"))
                .EnsureSuccess($"dotnet pack {project}");
    }

    /// <summary>A test project referencing PgSeed.Testing from the feed, with a green test and one that fails when CONSUMER_FAIL=1.</summary>
    public string CreateConsumer(string name, string xunitVersion)
    {
        var dir = Path.Combine(Root, "consumers", name);
        Directory.CreateDirectory(Path.Combine(dir, "db"));
        var userPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(dir, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config><add key="globalPackagesFolder" value="{SecurityElement.Escape(Path.Combine(Root, "packages"))}" /></config>
              <packageSources>
                <clear />
                <add key="pgseed-local" value="{SecurityElement.Escape(Feed)}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <fallbackPackageFolders><clear /><add key="user" value="{SecurityElement.Escape(userPackages)}" /></fallbackPackageFolders>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(dir, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(dir, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(dir, "Directory.Packages.props"), "<Project />\n"); // not the repository's central versions
        File.WriteAllText(Path.Combine(dir, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <OutputType>Exe</OutputType>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <IsPackable>false</IsPackable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="xunit.v3" Version="{xunitVersion}" />
                <PackageReference Include="PgSeed.Testing" Version="{Version}" />
              </ItemGroup>
              <ItemGroup>
                <None Include="db/**" CopyToOutputDirectory="PreserveNewest" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(dir, "db", "schema.sql"),
            "CREATE TABLE note (id serial PRIMARY KEY, body text NOT NULL);\nINSERT INTO note (body) VALUES ('seeded');\n");
        File.WriteAllText(Path.Combine(dir, "NoteTests.cs"), """
            using Npgsql;
            using PgSeed.Testing;
            using Xunit;

            [assembly: AssemblyFixture(typeof(Consumer.NotesDatabase))]

            namespace Consumer;

            public sealed class NotesDatabase : PgSeedFixture
            {
                protected override void Configure(PgSeedOptions o) => o.Schema("db/schema.sql");
            }

            public class NoteTests(NotesDatabase db) : PgSeedTest<NotesDatabase>(db)
            {
                [Fact]
                public async Task Adds_a_note()
                {
                    var ct = TestContext.Current.CancellationToken;
                    await using var c = await Database.OpenConnectionAsync(ct);
                    await new NpgsqlCommand("INSERT INTO note (body) VALUES ('mine')", c).ExecuteNonQueryAsync(ct);
                    Assert.Equal(2L, await new NpgsqlCommand("SELECT count(*) FROM note", c).ExecuteScalarAsync(ct));
                }

                [Fact]
                public async Task Fails_when_asked()
                {
                    var ct = TestContext.Current.CancellationToken;
                    await using var c = await Database.OpenConnectionAsync(ct);
                    await new NpgsqlCommand("UPDATE note SET body = 'changed by the failing test' WHERE id = 1; INSERT INTO note (body) VALUES ('extra')", c)
                        .ExecuteNonQueryAsync(ct);
                    if (Environment.GetEnvironmentVariable("CONSUMER_FAIL") == "1") Assert.Fail("deliberately failing");
                }
            }

            public class OtherNoteTests(NotesDatabase db) : PgSeedTest<NotesDatabase>(db)
            {
                [Fact]
                public async Task Sees_only_the_seed()
                {
                    var ct = TestContext.Current.CancellationToken;
                    await using var c = await Database.OpenConnectionAsync(ct);
                    Assert.Equal("seeded", await new NpgsqlCommand("SELECT string_agg(body, ',') FROM note", c).ExecuteScalarAsync(ct));
                }
            }
            """);
        return dir;
    }

    public ValueTask DisposeAsync()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return ValueTask.CompletedTask;
    }
}

[CollectionDefinition(PackedTestingFeed.Name, DisableParallelization = true)]
public sealed class PackedTestingFeedCollection : ICollectionFixture<PackedTestingFeed>;
