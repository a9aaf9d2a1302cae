using System.Globalization;
using System.Text;
using PgSeed.Engine.Export;
using PgSeed.Engine.Seed;
using PgSeed.Testing.Servers;

namespace PgSeed.Bench;

/// <summary>
/// The small-seed case of the export benchmark (issue 13): a few hundred rows from a 10-table schema, timed as a whole
/// <c>pgseed export</c> process from start to exit, against one <c>psql</c> session running the same COPY statements
/// (sorted by key, in one repeatable-read transaction, like PgSeed's snapshot). Start-up is most of it, so the
/// section also times <c>pgseed --version</c> and the same export in a warm process.
/// </summary>
internal static class SmallSeedBenchmark
{
    public const string Section = "Export: small seed, whole processes";
    private const double Scale = 0.004; // ResetBenchSchema at 0.4 % of its 100k rows: ~400 rows in 10 tables
    private const string Psql = "psql, one session, the same COPY statements (sorted by key)";
    private const string Default = "`pgseed export` (defaults: -p 2, schema.sql, PII lint)";
    private const string P1 = "`pgseed export -p 1`";
    private const string Version = "`pgseed --version` (start-up and exit only)";
    private const string Warm = "`SeedExporter.ExportAsync` in a warm process (no start-up, JIT done)";

    public static async Task<string> RunAsync(LocalPostgresServer server, string machine, BenchOptions options, CancellationToken cancellationToken)
    {
        const string database = "bench_small";
        await server.CreateDatabaseAsync(database, cancellationToken: cancellationToken);
        var cs = BenchConnections.For(server, database);
        await ResetBenchSchema.ApplyAsync(cs, Scale, cancellationToken);
        var roots = new[] { new RootSelection { Table = "customer" } };
        var work = Path.Combine(options.WorkDirectory, "small");
        var reference = Path.Combine(work, "reference-seed");
        var referenceReport = await SeedExporter.ExportAsync(new ExportRequest { ConnectionString = cs, Roots = roots, OutputDirectory = reference },
            null, cancellationToken);
        var manifest = ManifestSerializer.Read(reference);
        var baseline = await CopyBaseline.PrepareAsync(cs, reference, "small", cancellationToken);
        var reps = Math.Max(10, options.Reps * 3);
        Console.WriteLine();
        Console.WriteLine($"== small seed: {referenceReport.TotalRows:N0} rows in {referenceReport.Tables.Count} tables, {reps} measured rounds + 1 warm-up");

        var m = new Measurement();
        var processes = new Dictionary<string, List<ProcessResult>>();
        var deterministic = true;
        async Task RunProcess(string name, string file, IEnumerable<string> args)
        {
            var result = await WholeProcess.RunAsync(file, args, cancellationToken);
            if (!processes.TryGetValue(name, out var list)) processes[name] = list = new List<ProcessResult>();
            list.Add(result);
        }
        var contenders = new List<(string Name, Func<string, Task> Run)>
        {
            (Psql, dir => RunProcess(Psql, WholeProcess.Psql, ExportBenchmark.PsqlArguments(server, database, baseline, dir, sorted: true))),
            (Default, dir => RunProcess(Default, WholeProcess.PgSeed, ExportBenchmark.CliArguments(cs, roots, dir, parallel: null))),
            (P1, dir => RunProcess(P1, WholeProcess.PgSeed, ExportBenchmark.CliArguments(cs, roots, dir, parallel: 1))),
            (Version, _ => RunProcess(Version, WholeProcess.PgSeed, ["--version"])),
            (Warm, dir => SeedExporter.ExportAsync(new ExportRequest { ConnectionString = cs, Roots = roots, OutputDirectory = dir, Parallel = 1 },
                null, cancellationToken)),
        };
        for (var round = 0; round <= reps; round++)
        {
            for (var i = 0; i < contenders.Count; i++)
            {
                var (name, run) = contenders[(i + round) % contenders.Count];
                var dir = Path.Combine(work, $"out-{round}-{i}");
                var elapsed = await m.TimeAsync(name, () => run(dir), round > 0);
                if (round == 0 && processes.TryGetValue(name, out var warm)) warm.Clear();
                if (name is Default or P1 or Warm) deterministic &= ExportBenchmark.SameFiles(manifest, dir);
                ExportBenchmark.TryDelete(dir);
                if (round <= 1) Console.WriteLine($"   round {round} {name,-60} {elapsed.TotalSeconds,7:0.000} s");
            }
        }

        // One verbose run (untimed for the table): when its output lines arrive tells start-up from work.
        var timeline = await WholeProcess.RunAsync(WholeProcess.PgSeed, ExportBenchmark.CliArguments(cs, roots, Path.Combine(work, "verbose"), parallel: null, verbose: true),
            cancellationToken);
        var timelinePath = Path.Combine(Path.GetTempPath(), "pgseed-bench-small-export-v.log");
        await File.WriteAllLinesAsync(timelinePath, timeline.Lines.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.At,7:0.000}s {l.Line}")), cancellationToken);
        var firstLine = timeline.Lines.Count > 0 ? timeline.Lines[0].At : double.NaN;
        var firstCopy = timeline.Lines.FirstOrDefault(l => l.Line.Contains("COPY", StringComparison.Ordinal) && l.Line.Contains("TO STDOUT", StringComparison.Ordinal)).At;
        ExportBenchmark.TryDelete(work);

        string Goal(bool met) => met ? "met" : "**missed**";
        var defaultMedian = m.MedianSeconds(Default);
        var ratio = m.MedianRatio(Default, Psql);
        var sb = new StringBuilder();
        sb.AppendLine($"_Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC with `dotnet run -c Release --project bench/PgSeed.Bench -- export {options.CommandLine}` " +
                      $"(or `-- export --case small`), {reps} rounds after a warm-up._".Replace(" ` (", "` ("));
        sb.AppendLine();
        sb.AppendLine($"- **Machine:** {machine}.");
        sb.AppendLine($"- **Seed:** the reset benchmark's 10-table schema (bench/PgSeed.Bench/ResetBenchSchema.cs: FK cycle, self-references, " +
                      $"composite key) at {Scale * 100:0.0} % scale: {referenceReport.TotalRows:N0} rows in {referenceReport.Tables.Count} tables " +
                      $"({referenceReport.TotalBytes / 1024.0:0} KB of CSV), exported whole from `customer` with its children and parents.");
        sb.AppendLine("- **Baseline:** one `psql` process running `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`, then for each table " +
                      "`\\copy (SELECT <columns> FROM t ORDER BY <key>) TO 'file' WITH (FORMAT csv, HEADER)` (the COPY statements PgSeed runs for " +
                      "complete tables), `COMMIT`. Every line is a whole process from start to exit, except the warm in-process line.");
        sb.AppendLine();
        sb.AppendLine("| contender | median s | spread s | ratio to psql | client CPU s (user + sys) | goal |");
        sb.AppendLine("|---|---:|---:|---:|---:|---|");
        foreach (var name in new[] { Psql, Default, P1, Version, Warm })
        {
            var goal = name == Default ? $"≤ 0.3 s: {Goal(defaultMedian <= 0.3)}; ≤ 3× psql: {Goal(ratio <= 3)}" : "";
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {m.MedianSeconds(name):0.000} | {m.Spread(name)} | {(name == Psql ? 1.0 : m.MedianRatio(name, Psql)):0.00} | {ExportBenchmark.Cpu(processes, name)} | {goal} |"));
        }
        sb.AppendLine();
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Seeds byte-identical to the first export in every round: {(deterministic ? "yes" : "**no**")}. Where the whole process's time goes " +
            $"(medians): `pgseed --version` alone takes {m.MedianSeconds(Version):0.000} s (runtime start, command-line parsing, exit); the same " +
            $"export in a warm process takes {m.MedianSeconds(Warm):0.000} s, so start-up, JIT and first-use costs are about " +
            $"{defaultMedian - m.MedianSeconds(Warm):0.00} s of the {defaultMedian:0.000} s. In one `pgseed export -v` run the first output line " +
            $"came after {firstLine:0.000} s and the first COPY statement after {firstCopy:0.000} s, of {timeline.WallSeconds:0.000} s " +
            $"(timeline with arrival times: `{timelinePath}`)."));
        return sb.ToString();
    }
}
