using System.Globalization;
using System.Text;
using PgSeed.Engine.Export;
using PgSeed.Engine.Seed;
using PgSeed.Testing.Servers;

namespace PgSeed.Bench;

/// <summary>
/// Issue 15: the client closure (keys held by PgSeed, nothing written on the server: standbys, read-only roles) against
/// the server closure (temporary tables) on the export benchmark's database and cases, data only (no schema.sql, no
/// PII lint) so the closure and the COPY are what is measured. Every client seed must equal the server seed byte for byte.
/// </summary>
internal static class ClosureModesBenchmark
{
    private sealed record Contender(string Name, ClosureMode Mode, int Parallel);

    private static readonly Contender[] Contenders =
    [
        new("server closure, --parallel 1", ClosureMode.Server, 1),
        new("client closure, --parallel 1", ClosureMode.Client, 1),
        new("server closure, --parallel 2", ClosureMode.Server, 2),
        new("client closure, --parallel 2", ClosureMode.Client, 2),
    ];

    public static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var schema = new BenchSchema(options.Scale);
        Console.WriteLine($"Closure modes benchmark: {schema.TotalRows:N0} rows, {options.Reps} measured rounds + 1 warm-up.");
        Directory.CreateDirectory(options.WorkDirectory);
        await using var server = await LocalPostgresServer.StartAsync(cancellationToken);
        try
        {
            await server.CreateDatabaseAsync("bench", cancellationToken: cancellationToken);
            var cs = BenchConnections.For(server, "bench");
            var machine = await MachineInfo.DescribeAsync(cs, cancellationToken);
            await schema.CreateAsync(cs, Console.WriteLine, cancellationToken);
            var sb = new StringBuilder();
            sb.AppendLine($"_Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC with `dotnet run -c Release --project bench/PgSeed.Bench -- closure {options.CommandLine}`._".Replace(" `._", "`._"));
            sb.AppendLine();
            sb.AppendLine($"- **Machine:** {machine}.");
            sb.AppendLine($"- **Database:** the export benchmark's, {schema.TotalRows:N0} rows. Data only (no schema.sql, no PII lint), so the closure and the COPY are measured.");
            sb.AppendLine("- **Contenders:** `--closure server` (temporary tables) and `--closure client` (keys held by PgSeed, nothing written on the server), each with `--parallel 1` and `2`. The ratio is client / server at the same parallelism, median over rounds.");
            sb.AppendLine();
            sb.AppendLine("| case | rows | contender | median s | spread s | client / server |");
            sb.AppendLine("|---|---:|---|---:|---:|---:|");
            foreach (var (name, filter) in new[] { ("subset", (string?)BenchSchema.SubsetFilter), ("full", null) }.Where(c => options.Case is null || c.Item1 == options.Case))
            {
                Console.WriteLine($"\n== {name}");
                var measurement = new Measurement();
                var reference = Path.Combine(options.WorkDirectory, name + "-reference");
                var rows = (await ExportAsync(cs, filter, ClosureMode.Server, 1, reference, cancellationToken)).TotalRows;
                var identical = true;
                for (var round = 0; round <= options.Reps; round++)
                    for (var i = 0; i < Contenders.Length; i++)
                    {
                        var c = Contenders[(i + round) % Contenders.Length];
                        var dir = Path.Combine(options.WorkDirectory, $"{name}-{round}-{i}");
                        var elapsed = await measurement.TimeAsync(c.Name, () => ExportAsync(cs, filter, c.Mode, c.Parallel, dir, cancellationToken), round > 0);
                        Console.WriteLine($"   round {round} {c.Name,-30} {elapsed.TotalSeconds,7:0.000} s");
                        identical &= SameFiles(reference, dir);
                        ExportBenchmark.TryDelete(dir);
                    }
                var first = true;
                foreach (var c in Contenders)
                {
                    var server1 = Contenders.First(x => x.Mode == ClosureMode.Server && x.Parallel == c.Parallel).Name;
                    var ratio = c.Mode == ClosureMode.Server ? "" : measurement.MedianRatio(c.Name, server1).ToString("0.00", CultureInfo.InvariantCulture);
                    sb.AppendLine($"| {(first ? name : "")} | {(first ? rows.ToString("N0", CultureInfo.InvariantCulture) : "")} | {c.Name} | {measurement.MedianSeconds(c.Name):0.000} | {measurement.Spread(c.Name)} | {ratio} |");
                    first = false;
                }
                sb.AppendLine($"| | | client seeds byte-identical to the server's: {(identical ? "yes" : "**no**")} | | | |");
                ExportBenchmark.TryDelete(reference);
            }
            var report = sb.ToString();
            Console.WriteLine();
            Console.WriteLine(report);
            if (options.WriteDocs)
            {
                var path = Path.Combine(BenchmarksDocument.FindRepositoryRoot(), "docs", "benchmarks.md");
                BenchmarksDocument.UpdateSection(path, "Closure modes", report);
                Console.WriteLine($"Updated {path}");
            }
            return 0;
        }
        finally
        {
            ExportBenchmark.TryDelete(options.WorkDirectory);
        }
    }

    private static Task<ExportReport> ExportAsync(string cs, string? filter, ClosureMode mode, int parallel, string directory, CancellationToken cancellationToken) =>
        SeedExporter.ExportAsync(new ExportRequest
        {
            ConnectionString = cs,
            Roots = [new RootSelection { Table = BenchSchema.RootTable, Filter = filter }],
            Parallel = parallel,
            OutputDirectory = directory,
            WriteSchema = false,
            PiiLint = false,
            Closure = mode,
            SeedName = "bench",
        }, null, cancellationToken);

    private static bool SameFiles(string a, string b) =>
        ManifestSerializer.Read(a).Tables.Select(t => (t.File, t.Sha256)).SequenceEqual(ManifestSerializer.Read(b).Tables.Select(t => (t.File, t.Sha256)));
}
