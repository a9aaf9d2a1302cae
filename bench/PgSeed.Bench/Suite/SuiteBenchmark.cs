using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using PgSeed.Engine.Export;
using PgSeed.Testing.Servers;

namespace PgSeed.Bench.Suite;

/// <summary>
/// <c>suite</c> mode (issue 11 §3): what a team feels. Generates an xUnit v3 test project (216 tests in 9 classes on a
/// 14-table seeded schema), builds it once outside the timing, and runs it with <c>dotnet test</c> three ways in the
/// same run: the conventional stack (Testcontainers.PostgreSql + Respawn + seed script), PgSeed fixtures on a
/// container server and PgSeed fixtures on the local server. Reports wall time, time to first test and the median
/// per-test reset, as ratios to the conventional stack. Options: <c>--reps N</c> (default 1), <c>--no-docs</c>,
/// <c>--work DIR</c> (default <c>/tmp/pgseed-bench-suite</c>, kept so re-runs build incrementally), <c>--source DIR</c>
/// (the PgSeed source tree the generated PgSeed project references; default this repository).
/// </summary>
internal static partial class SuiteBenchmark
{
    private const string Conventional = "conventional";
    private const string PgSeedContainer = "pgseed-container";
    private const string PgSeedLocal = "pgseed-local";
    private const string ContainerProjectPath = "src/PgSeed.Testing.Testcontainers/PgSeed.Testing.Testcontainers.csproj";

    /// <param name="HostSeconds">launch until the first fixture starts (dotnet test, test host, discovery)</param>
    /// <param name="FixtureSeconds">the first fixture's set-up (container or server, schema, seed, template, clone)</param>
    /// <param name="ContainerSeconds">of that, the container start (conventional stack only)</param>
    private sealed record Run(double WallSeconds, double FirstTestSeconds, double ResetMedianMs, int Passed, int Failed, int Timed,
        double HostSeconds, double FixtureSeconds, double ContainerSeconds, int Fixtures, double ResetTotalSeconds, string OutputTail);

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var reps = 1;
        var writeDocs = !args.Contains("--no-docs");
        var work = Path.Combine(Path.GetTempPath(), "pgseed-bench-suite");
        string? source = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--reps" && i + 1 < args.Length) reps = Math.Max(1, int.Parse(args[++i], CultureInfo.InvariantCulture));
            else if (args[i] == "--work" && i + 1 < args.Length) work = Path.GetFullPath(args[++i]);
            // Another source tree for the PgSeed projects (e.g. an unmerged branch exported with git archive).
            else if (args[i] == "--source" && i + 1 < args.Length) source = Path.GetFullPath(args[++i]);
            else if (args[i] != "--no-docs") throw new ArgumentException($"unknown option {args[i]}");
        }
        var started = DateTime.UtcNow;
        var load = MachineInfo.LoadAverage();
        var repositoryRoot = BenchmarksDocument.FindRepositoryRoot();
        var sourceRoot = source ?? repositoryRoot;
        var image = Environment.GetEnvironmentVariable("PGSEED_TEST_POSTGRES_IMAGE") is { Length: > 0 } i2 ? i2 : "postgres:15";
        var containerProject = Path.Combine(sourceRoot, ContainerProjectPath);
        var docker = DockerUnavailableReason();
        var skipped = new Dictionary<string, string>();
        if (docker is not null)
        {
            skipped[Conventional] = docker;
            skipped[PgSeedContainer] = docker;
        }
        else if (!File.Exists(containerProject))
            skipped[PgSeedContainer] = $"`{ContainerProjectPath}` does not exist yet (being written on branch `testing`); re-run `-- suite` after merging it";

        Console.WriteLine($"Suite benchmark: {SuiteTests.TotalTests} tests in {SuiteTests.ClassCount} classes, {SuiteShop.SeedRows:N0} seed rows in 14 tables; " +
                          $"generated projects in {work}; image {image}.");
        string machine;
        await using (var server = await LocalPostgresServer.StartAsync(cancellationToken))
        {
            machine = await MachineInfo.DescribeAsync(server.AdminConnectionString, cancellationToken);
            SuiteProjects.Generate(work, sourceRoot, image, skipped.ContainsKey(PgSeedContainer) ? null : containerProject);
            await ExportSeedAsync(server, Path.Combine(work, SuiteProjects.SeedFolder), cancellationToken);
        }
        var build = Stopwatch.StartNew();
        foreach (var project in new[] { SuiteProjects.ConventionalProject, SuiteProjects.PgSeedProject })
            await RunProcessAsync("dotnet", ["build", Path.Combine(work, project), "-c", "Release", "-nologo", "-v", "q"], null, cancellationToken, mustSucceed: true);
        Console.WriteLine($"Built both generated projects in {build.Elapsed.TotalSeconds:0} s (not timed).");

        var contenders = new[] { Conventional, PgSeedContainer, PgSeedLocal }.Where(c => !skipped.ContainsKey(c)).ToList();
        var runs = contenders.ToDictionary(c => c, _ => new List<Run>());
        for (var round = 0; round < reps; round++)
        {
            // Rotate the order so no contender always runs first (cold caches) or last.
            for (var k = 0; k < contenders.Count; k++)
            {
                var contender = contenders[(k + round) % contenders.Count];
                var run = await RunSuiteAsync(work, contender, image, cancellationToken);
                runs[contender].Add(run);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"   round {round} {contender,-17} wall {run.WallSeconds,6:0.00} s, first test {run.FirstTestSeconds,6:0.00} s (test host {run.HostSeconds:0.00} s, first fixture {run.FixtureSeconds:0.00} s{(double.IsNaN(run.ContainerSeconds) ? "" : $", container {run.ContainerSeconds:0.00} s")}), reset median {run.ResetMedianMs,8:0.000} ms, {run.Passed} passed, {run.Failed} failed"));
                if (run.Failed > 0 || run.Passed != SuiteTests.TotalTests) Console.WriteLine(run.OutputTail);
            }
        }

        var summary = contenders.ToDictionary(c => c, c => (
            Wall: Measurement.Median(runs[c].Select(r => r.WallSeconds).ToList()),
            First: Measurement.Median(runs[c].Select(r => r.FirstTestSeconds).ToList()),
            Reset: Measurement.Median(runs[c].Select(r => r.ResetMedianMs).ToList()),
            Passed: runs[c].Min(r => r.Passed), Failed: runs[c].Max(r => r.Failed)));
        foreach (var c in new[] { Conventional, PgSeedContainer, PgSeedLocal })
        {
            if (skipped.TryGetValue(c, out var reason)) Console.WriteLine($"suite {c} skipped: {reason}");
            else
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"suite {c} wall_s={summary[c].Wall:0.00} first_test_s={summary[c].First:0.00} reset_median_ms={summary[c].Reset:0.000}"));
        }

        if (writeDocs)
        {
            var path = Path.Combine(repositoryRoot, "docs", "benchmarks.md");
            BenchmarksDocument.UpdateSection(path, "Suite", Render(started, reps, machine, load, image, runs, skipped));
            Console.WriteLine($"Updated {path}");
        }
        return runs.Values.Any(r => r.Any(x => x.Failed > 0 || x.Passed != SuiteTests.TotalTests)) ? 1 : 0;
    }

    /// <summary>The seed folder of the PgSeed projects: the same rows as seed.sql, exported with the engine (untimed).</summary>
    private static async Task ExportSeedAsync(LocalPostgresServer server, string folder, CancellationToken cancellationToken)
    {
        await server.CreateDatabaseAsync("suite_seed", cancellationToken: cancellationToken);
        var cs = BenchConnections.For(server, "suite_seed");
        await using (var connection = new NpgsqlConnection(cs))
        {
            await connection.OpenAsync(cancellationToken);
            await BenchSchema.ExecuteAsync(connection, SuiteShop.Schema + SuiteShop.SeedScript(), cancellationToken);
        }
        var tables = new[] { "region", "country", "category", "supplier", "product", "warehouse", "stock", "customer", "address", "orders",
            "order_line", "payment", "shipment", "review" };
        await SeedExporter.ExportAsync(new ExportRequest
        {
            ConnectionString = cs,
            Roots = tables.Select(t => new RootSelection { Table = t }).ToList(),
            OutputDirectory = folder,
            WriteSchema = false,
            PiiLint = false,
        }, null, cancellationToken);
    }

    private static async Task<Run> RunSuiteAsync(string work, string contender, string image, CancellationToken cancellationToken)
    {
        var timings = Path.Combine(work, $"timings-{contender}.txt");
        File.Delete(timings);
        var env = new Dictionary<string, string?>
        {
            [SuiteProjects.TimingsVariable] = timings,
            ["PGSEED_TEST_CONNECTION"] = null,
            ["PGSEED_TEST_SERVER"] = contender == PgSeedContainer ? "container" : null,
            ["PGSEED_TEST_POSTGRES_IMAGE"] = image,
        };
        var project = Path.Combine(work, contender == Conventional ? SuiteProjects.ConventionalProject : SuiteProjects.PgSeedProject);
        var launched = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        var (exit, output) = await RunProcessAsync("dotnet", ["test", project, "-c", "Release", "--no-build", "-nologo"], env, cancellationToken, mustSucceed: false);
        var wall = watch.Elapsed.TotalSeconds;
        var lines = File.Exists(timings) ? File.ReadAllLines(timings) : [];
        var samples = lines.Select(l => l.Split(' ')).Where(p => p.Length == 2)
            .Select(p => (Start: long.Parse(p[0], CultureInfo.InvariantCulture), Ms: double.Parse(p[1], CultureInfo.InvariantCulture))).ToList();
        var fixtures = lines.Select(l => l.Split(' ')).Where(p => p.Length == 4 && p[0] == "#")
            .Select(p => (What: p[1], Start: long.Parse(p[2], CultureInfo.InvariantCulture), Ms: double.Parse(p[3], CultureInfo.InvariantCulture))).ToList();
        var ready = fixtures.Where(f => f.What == "fixture_ready").OrderBy(f => f.Start).ToList();
        var host = ready.Count == 0 ? double.NaN : (ready[0].Start - launched.ToUnixTimeMilliseconds()) / 1000.0;
        var fixture = ready.Count == 0 ? double.NaN : ready[0].Ms / 1000.0;
        var container = fixtures.Where(f => f.What == "container_started").Select(f => f.Ms / 1000.0).DefaultIfEmpty(double.NaN).First();
        var first = samples.Count == 0 ? double.NaN : (samples.Min(s => s.Start) - launched.ToUnixTimeMilliseconds()) / 1000.0;
        var summary = SummaryPattern().Match(output);
        var failed = summary.Success ? int.Parse(summary.Groups[1].Value, CultureInfo.InvariantCulture) : (exit == 0 ? 0 : -1);
        var passed = summary.Success ? int.Parse(summary.Groups[2].Value, CultureInfo.InvariantCulture) : 0;
        var tail = string.Join('\n', output.Split('\n').TakeLast(40));
        return new Run(wall, first, Measurement.Median(samples.Select(s => s.Ms).ToList()), passed, failed, samples.Count,
            host, fixture, container, ready.Count, samples.Sum(x => x.Ms) / 1000, tail);
    }

    [GeneratedRegex(@"Failed:\s*(\d+),\s*Passed:\s*(\d+)")]
    private static partial Regex SummaryPattern();

    /// <summary>Null when a Docker engine's socket is there; otherwise why the container contenders cannot run.</summary>
    private static string? DockerUnavailableReason()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        var socket = host is { Length: > 0 } && host.StartsWith("unix://", StringComparison.Ordinal) ? host["unix://".Length..]
            : host is { Length: > 0 } ? null : "/var/run/docker.sock";
        if (socket is null) return null; // a TCP engine: let Testcontainers find out
        return File.Exists(socket) ? null
            : $"no Docker engine (no socket at {socket}; start one and `source /tmp/docker-env.sh`, see docs/benchmarks.md)";
    }

    private static async Task<(int Exit, string Output)> RunProcessAsync(string file, IEnumerable<string> args, IDictionary<string, string?>? env,
        CancellationToken cancellationToken, bool mustSucceed)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null)
            foreach (var (k, v) in env)
                if (v is null) psi.Environment.Remove(k); else psi.Environment[k] = v;
        using var process = Process.Start(psi)!;
        var output = new StringBuilder();
        var stdout = PumpAsync(process.StandardOutput, output);
        var stderr = PumpAsync(process.StandardError, output);
        await process.WaitForExitAsync(cancellationToken);
        await Task.WhenAll(stdout, stderr);
        if (mustSucceed && process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', psi.ArgumentList)} failed ({process.ExitCode}):\n{output}");
        return (process.ExitCode, output.ToString());
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder into)
    {
        for (var line = await reader.ReadLineAsync(); line is not null; line = await reader.ReadLineAsync())
            lock (into) into.AppendLine(line);
    }

    private static string Render(DateTime started, int reps, string machine, string load, string image, Dictionary<string, List<Run>> runs,
        Dictionary<string, string> skipped)
    {
        double Med(string c, Func<Run, double> f) => Measurement.Median(runs[c].Select(f).ToList());
        // Ratios: conventional / contender of the same round, median over rounds ("× faster").
        double Speedup(string c, Func<Run, double> f) =>
            Measurement.Median(Enumerable.Range(0, Math.Min(runs[c].Count, runs[Conventional].Count)).Select(i => f(runs[Conventional][i]) / f(runs[c][i])).ToList());
        var hasBaseline = runs.ContainsKey(Conventional);
        string Goal(bool met) => met ? "met" : "**missed**";
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"_Measured {started:yyyy-MM-dd HH:mm} UTC with `dotnet run -c Release --project bench/PgSeed.Bench -- suite{(reps > 1 ? $" --reps {reps}" : "")}` ({reps} round{(reps > 1 ? "s, medians" : "")}; {MachineInfo.Busyness(load)})._"));
        sb.AppendLine();
        sb.AppendLine($"- **Machine:** {machine}; load average when the suite benchmark started {load}. Container image `{image}` (Docker engine on the same machine).");
        sb.AppendLine($"- **The suite:** a generated xUnit v3 project (bench/PgSeed.Bench/Suite/, written to `/tmp/pgseed-bench-suite`, built once before timing): " +
                      $"{SuiteTests.TotalTests} tests in {SuiteTests.ClassCount} classes on a 14-table shop schema with FK chains, self-references, composite keys, " +
                      $"identity columns and unique/check constraints, seeded with {SuiteShop.SeedRows:N0} rows. Each test asserts exact seeded values first " +
                      "(so a leaky reset fails it), then writes a few rows (orders with lines, payments, stock moves, reviews, a rejected duplicate, ...) " +
                      "and reads them back; 24 report tests only read. The test bodies are the same text for every contender.");
        sb.AppendLine("- **Contenders**, each `dotnet test --no-build` of its project, one after another:");
        sb.AppendLine("  1. **conventional**: Testcontainers.PostgreSql 4.16.0 (one container for the assembly, `[assembly: AssemblyFixture]`), " +
                      "`db/schema.sql` once, `Respawner.CreateAsync` once (Postgres adapter, schema `public`), and before every test " +
                      "`respawner.ResetAsync()` followed by `db/seed.sql` (multi-row `INSERT`s + `setval`), as both projects' docs show; " +
                      "test parallelisation off because the one database is shared (Respawn's own advice).");
        sb.AppendLine("  2. **pgseed-container**: the PgSeed project (a `PgSeedFixture` per test class, `o.Schema(\"db/schema.sql\").Seed(\"seeds/shop\")`, " +
                      "`PgSeedTest<ShopDb>` resetting before each test, classes in parallel as xUnit defaults) with `PGSEED_TEST_SERVER=container`.");
        sb.AppendLine("  3. **pgseed-local**: the same project with the default server (a throwaway local cluster).");
        sb.AppendLine("- **Measured:** wall time of `dotnet test` (process start to exit; build excluded), time to first test (process start to the " +
                      "first test's reset starting: container or server start, schema, seed, template), and the median over all tests of the reset " +
                      "before each test. Ratios are conventional ÷ contender (× faster). Where PgSeed hands each test a database leased from a pool " +
                      "of clones reset in the background (per-test leases), the time before a test is the hand-out: the reset work is off the " +
                      "test's path, and the wall time is what counts it.");
        sb.AppendLine();
        sb.AppendLine("| contender | tests passed | wall s | first test s | reset median ms | wall: × faster | first test: × faster | reset: × faster | goal |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var c in new[] { Conventional, PgSeedContainer, PgSeedLocal })
        {
            if (skipped.TryGetValue(c, out var reason))
            {
                sb.AppendLine($"| {c} | skipped | | | | | | | {reason} |");
                continue;
            }
            var passed = $"{runs[c].Min(r => r.Passed)}/{SuiteTests.TotalTests}" + (runs[c].Any(r => r.Failed > 0) ? $" (**{runs[c].Max(r => r.Failed)} failed**)" : "");
            if (c == Conventional || !hasBaseline)
            {
                sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {c} | {passed} | {Med(c, r => r.WallSeconds):0.00} | {Med(c, r => r.FirstTestSeconds):0.00} | {Med(c, r => r.ResetMedianMs):0.000} | {(c == Conventional ? "1.0" : "")} | {(c == Conventional ? "1.0" : "")} | {(c == Conventional ? "1" : "")} | {(c == Conventional ? "baseline" : "no baseline in this run")} |"));
                continue;
            }
            var wall = Speedup(c, r => r.WallSeconds);
            var reset = Speedup(c, r => r.ResetMedianMs);
            var wallGoal = c == PgSeedContainer ? $"wall ≥ 3×: {Goal(wall >= 3)}" : "wall below pgseed-container: not measured in this run";
            if (c == PgSeedLocal && runs.ContainsKey(PgSeedContainer))
                wallGoal = $"wall below pgseed-container: {Goal(Med(c, r => r.WallSeconds) < Med(PgSeedContainer, r => r.WallSeconds))}";
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {c} | {passed} | {Med(c, r => r.WallSeconds):0.00} | {Med(c, r => r.FirstTestSeconds):0.00} | {Med(c, r => r.ResetMedianMs):0.000} | {wall:0.0} | {Speedup(c, r => r.FirstTestSeconds):0.0} | {reset:0} | reset ≥ 20×: {Goal(reset >= 20)}; {wallGoal} |"));
        }
        sb.AppendLine();
        sb.AppendLine("The container contenders start their containers differently, each as its package does by default: the conventional stack " +
                      "with Testcontainers.PostgreSql's defaults (data directory in the container's copy-on-write layer, `pg_isready` once a second), " +
                      "PgSeed's container server with its data directory on tmpfs and readiness by a connection every 100 ms (docs/testing.md, " +
                      "\"Containers\"). A conventional suite could configure both; what it keeps is a reset of Respawn plus re-insert before every " +
                      "test, run one test at a time (\"all resets together\" below).");
        sb.AppendLine();
        sb.AppendLine("Where the time to the first test goes (medians):");
        foreach (var c in new[] { Conventional, PgSeedContainer, PgSeedLocal }.Where(runs.ContainsKey))
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"- {c}: `dotnet test` and the test host until the first fixture starts {Med(c, r => r.HostSeconds):0.00} s; the first fixture's set-up " +
                $"{Med(c, r => r.FixtureSeconds):0.00} s{(c == Conventional ? string.Create(CultureInfo.InvariantCulture, $" (of which the container start {Med(c, r => r.ContainerSeconds):0.00} s)") : "")}; " +
                $"{runs[c][0].Fixtures} fixture{(runs[c][0].Fixtures == 1 ? "" : "s")} in the run; all {SuiteTests.TotalTests} resets together {Med(c, r => r.ResetTotalSeconds):0.0} s."));
        sb.AppendLine();
        sb.AppendLine("Reproduce (Docker engine running; on this machine kind its environment comes from `/tmp/docker-env.sh`):");
        sb.AppendLine();
        sb.AppendLine("```");
        sb.AppendLine("set -a; source /tmp/docker-env.sh; set +a      # DOCKER_HOST, TESTCONTAINERS_RYUK_DISABLED, PGSEED_TEST_POSTGRES_IMAGE=pgseed-local/postgres:15");
        sb.AppendLine("dotnet run -c Release --project bench/PgSeed.Bench -- suite --reps 3");
        sb.AppendLine("```");
        return sb.ToString();
    }
}
