using System.Text;

namespace PgSeed.Bench.Suite;

/// <summary>
/// Writes the suite benchmark's two generated xUnit v3 test projects into one folder:
/// <c>conventional/</c> (Testcontainers.PostgreSql + schema script + Respawn reset and seed script before each test,
/// written the way both projects' docs show) and <c>pgseed/</c> (a <c>PgSeedFixture</c> per test class on today's
/// public API, optionally referencing src/PgSeed.Testing.Testcontainers). The test bodies are the same text in both.
/// Files are only rewritten when their content changes, so re-runs build incrementally.
/// </summary>
internal static class SuiteProjects
{
    public const string ConventionalProject = "conventional/Suite.Conventional.csproj";
    public const string PgSeedProject = "pgseed/Suite.PgSeed.csproj";
    public const string SeedFolder = "pgseed/seeds/shop";
    public const string TimingsVariable = "SUITE_TIMINGS_FILE";

    // The package versions the repository's own test projects restore (see Directory.Build.props and tests/*.csproj).
    private const string TestPackages = """
            <PackageReference Include="xunit.v3" Version="3.2.2" />
            <PackageReference Include="xunit.runner.visualstudio" Version="3.1.5" />
            <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.0.1" />
        """;

    private const string ProjectProperties = """
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <OutputType>Exe</OutputType>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <IsPackable>false</IsPackable>
            <IsTestProject>true</IsTestProject>
            <NoWarn>$(NoWarn);xUnit1051</NoWarn>
          </PropertyGroup>
        """;

    public static void Generate(string root, string repositoryRoot, string image, string? containerProject)
    {
        Directory.CreateDirectory(root);
        // Nothing above the generated folder may leak MSBuild settings into it.
        Write(root, "Directory.Build.props", "<Project />\n");
        Write(root, "Directory.Build.targets", "<Project />\n");
        Write(root, "shared/Sql.cs", SqlHelpers);
        Write(root, "shared/SuiteTimings.cs", Timings);

        // 1. The conventional stack.
        Write(root, ConventionalProject, $"""
            <Project Sdk="Microsoft.NET.Sdk">
            {ProjectProperties}
              <ItemGroup>
            {TestPackages}
                <PackageReference Include="Npgsql" Version="10.0.0" />
                <PackageReference Include="Testcontainers.PostgreSql" Version="4.16.0" />
                <PackageReference Include="Respawn" Version="7.0.0" />
              </ItemGroup>
              <ItemGroup>
                <Compile Include="../shared/*.cs" />
                <None Include="db/**" CopyToOutputDirectory="PreserveNewest" />
              </ItemGroup>
            </Project>

            """);
        Write(root, "conventional/db/schema.sql", SuiteShop.Schema + "\n");
        Write(root, "conventional/db/seed.sql", SuiteShop.SeedScript());
        Write(root, "conventional/ShopDb.cs", ConventionalFixture(image));
        Write(root, "conventional/SuiteTest.cs", ConventionalBase);
        WriteTests(root, "conventional", name => $"public sealed class {name}(ShopDb shop) : SuiteTest(shop)");

        // 2 and 3. PgSeed fixtures; the server is chosen by PGSEED_TEST_SERVER at run time.
        var testing = Path.Combine(repositoryRoot, "src", "PgSeed.Testing", "PgSeed.Testing.csproj");
        var containers = containerProject is null ? "" : $"""    <ProjectReference Include="{containerProject}" />""" + "\n";
        Write(root, PgSeedProject, $"""
            <Project Sdk="Microsoft.NET.Sdk">
            {ProjectProperties}
              <ItemGroup>
            {TestPackages}
                <ProjectReference Include="{testing}" />
            {containers}  </ItemGroup>
              <ItemGroup>
                <Compile Include="../shared/*.cs" />
                <None Include="db/**;seeds/**" CopyToOutputDirectory="PreserveNewest" />
              </ItemGroup>
            </Project>

            """);
        Write(root, "pgseed/db/schema.sql", SuiteShop.Schema + "\n");
        Write(root, "pgseed/ShopDb.cs", PgSeedFixture);
        Write(root, "pgseed/SuiteTest.cs", PgSeedBase);
        WriteTests(root, "pgseed", name => $"public sealed class {name}(ShopDb shop) : SuiteTest(shop), IClassFixture<ShopDb>");
    }

    private static void WriteTests(string root, string project, Func<string, string> header)
    {
        foreach (var (file, source) in SuiteTests.Files(header))
            Write(root, $"{project}/Tests/{file}", source);
    }

    private static void Write(string root, string relative, string content)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        content = content.ReplaceLineEndings("\n");
        if (File.Exists(path) && File.ReadAllText(path) == content) return;
        File.WriteAllText(path, content, new UTF8Encoding(false));
    }

    private static string ConventionalFixture(string image) => $$"""
        // Generated by bench/PgSeed.Bench (suite benchmark). The conventional stack, as Testcontainers' and Respawn's docs show it:
        // one PostgreSQL container for the test assembly, the schema script once, a Respawner created once, and before
        // every test Respawn's reset followed by the seed script.
        using Npgsql;
        using Respawn;
        using Testcontainers.PostgreSql;
        using Xunit;

        [assembly: AssemblyFixture(typeof(Suite.ShopDb))]
        // One database shared by every test: tests must not run at the same time (Respawn would wipe a running test's rows).
        [assembly: CollectionBehavior(DisableTestParallelization = true)]

        namespace Suite;

        public sealed class ShopDb : IAsyncLifetime
        {
            private readonly PostgreSqlContainer _container = new PostgreSqlBuilder("{{image}}").Build();
            private Respawner _respawner = null!;
            private string _seed = "";

            public string ConnectionString => _container.GetConnectionString();

            public async ValueTask InitializeAsync()
            {
                var started = DateTime.UtcNow; // for the benchmark only
                var watch = System.Diagnostics.Stopwatch.StartNew();
                await _container.StartAsync();
                SuiteTimings.RecordFixture("container started", started, watch.Elapsed.TotalMilliseconds);
                _seed = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "db", "seed.sql"));
                await using var connection = new NpgsqlConnection(ConnectionString);
                await connection.OpenAsync();
                await using (var schema = new NpgsqlCommand(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "db", "schema.sql")), connection))
                    await schema.ExecuteNonQueryAsync();
                _respawner = await Respawner.CreateAsync(connection, new RespawnerOptions
                {
                    DbAdapter = DbAdapter.Postgres,
                    SchemasToInclude = ["public"],
                });
                SuiteTimings.RecordFixture("fixture ready", started, watch.Elapsed.TotalMilliseconds);
            }

            /// <summary>Back to the seeded state: Respawn empties every table, then the seed script inserts the seed again.</summary>
            public async Task ResetAsync()
            {
                await using var connection = new NpgsqlConnection(ConnectionString);
                await connection.OpenAsync();
                await _respawner.ResetAsync(connection);
                await using var seed = new NpgsqlCommand(_seed, connection);
                await seed.ExecuteNonQueryAsync();
            }

            public async ValueTask DisposeAsync() => await _container.DisposeAsync();
        }

        """;

    private const string ConventionalBase = """
        // Generated by bench/PgSeed.Bench (suite benchmark).
        using System.Diagnostics;
        using Npgsql;
        using Xunit;

        namespace Suite;

        /// <summary>Resets the shared database before each test (timed for the benchmark).</summary>
        public abstract class SuiteTest(ShopDb shop) : IAsyncLifetime
        {
            public async ValueTask InitializeAsync()
            {
                var started = DateTime.UtcNow;
                var watch = Stopwatch.StartNew();
                await shop.ResetAsync();
                SuiteTimings.Record(started, watch.Elapsed.TotalMilliseconds);
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;

            protected async Task<NpgsqlConnection> OpenAsync()
            {
                var connection = new NpgsqlConnection(shop.ConnectionString);
                await connection.OpenAsync();
                return connection;
            }
        }

        """;

    private const string PgSeedFixture = """
        // Generated by bench/PgSeed.Bench (suite benchmark). PgSeed's documented set-up (docs/testing.md): a fixture per
        // test class, the schema script and the seed folder (exported with pgseed from the same rows as the conventional
        // stack's seed.sql); the server comes from PGSEED_TEST_SERVER (local by default, or a container).
        using PgSeed.Testing;

        namespace Suite;

        public sealed class ShopDb : PgSeedFixture
        {
            protected override void Configure(PgSeedOptions o) => o
                .Schema("db/schema.sql")
                .Seed("seeds/shop");

            public override async ValueTask InitializeAsync() // timed for the benchmark only
            {
                var started = DateTime.UtcNow;
                var watch = System.Diagnostics.Stopwatch.StartNew();
                await base.InitializeAsync();
                SuiteTimings.RecordFixture("fixture ready", started, watch.Elapsed.TotalMilliseconds);
            }
        }

        """;

    private const string PgSeedBase = """
        // Generated by bench/PgSeed.Bench (suite benchmark).
        using System.Diagnostics;
        using Npgsql;
        using PgSeed.Testing;

        namespace Suite;

        /// <summary>PgSeedTest resets before each test; the override only times that reset for the benchmark.</summary>
        public abstract class SuiteTest(ShopDb shop) : PgSeedTest<ShopDb>(shop)
        {
            public override async ValueTask InitializeAsync()
            {
                var started = DateTime.UtcNow;
                var watch = Stopwatch.StartNew();
                await base.InitializeAsync();
                SuiteTimings.Record(started, watch.Elapsed.TotalMilliseconds);
            }

            protected async Task<NpgsqlConnection> OpenAsync() => await Database.OpenConnectionAsync();
        }

        """;

    private const string SqlHelpers = """
        // Generated by bench/PgSeed.Bench (suite benchmark).
        using Npgsql;

        namespace Suite;

        /// <summary>The few ADO.NET shortcuts the tests use.</summary>
        public static class Sql
        {
            public static async Task<T> ScalarAsync<T>(this NpgsqlConnection connection, string sql)
            {
                await using var command = new NpgsqlCommand(sql, connection);
                var value = await command.ExecuteScalarAsync();
                if (value is null or DBNull) return default!;
                var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
                return (T)(value.GetType() == type ? value : Convert.ChangeType(value, type, System.Globalization.CultureInfo.InvariantCulture));
            }

            public static async Task<int> ExecAsync(this NpgsqlConnection connection, string sql)
            {
                await using var command = new NpgsqlCommand(sql, connection);
                return await command.ExecuteNonQueryAsync();
            }
        }

        """;

    private const string Timings = """
        // Generated by bench/PgSeed.Bench (suite benchmark).
        namespace Suite;

        /// <summary>One line per test for the benchmark: when its reset started (Unix ms, UTC) and how long it took (ms).</summary>
        public static class SuiteTimings
        {
            private static readonly object Gate = new();
            private static readonly string? FilePath = Environment.GetEnvironmentVariable("SUITE_TIMINGS_FILE");

            public static void Record(DateTime startedUtc, double milliseconds) =>
                Append(FormattableString.Invariant($"{new DateTimeOffset(startedUtc).ToUnixTimeMilliseconds()} {milliseconds:0.000}\n"));

            /// <summary>A fixture's set-up: "# what start-Unix-ms ms".</summary>
            public static void RecordFixture(string what, DateTime startedUtc, double milliseconds) =>
                Append(FormattableString.Invariant($"# {what.Replace(' ', '_')} {new DateTimeOffset(startedUtc).ToUnixTimeMilliseconds()} {milliseconds:0.000}\n"));

            private static void Append(string line)
            {
                if (FilePath is null) return;
                lock (Gate) File.AppendAllText(FilePath, line);
            }
        }

        """;
}
