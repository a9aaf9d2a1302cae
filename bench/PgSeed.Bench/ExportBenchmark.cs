using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;
using PgSeed.Engine.Export;
using PgSeed.Engine.Seed;
using PgSeed.Testing.Servers;

namespace PgSeed.Bench;

/// <summary>
/// Export benchmark (issue 2): PgSeed <c>--parallel 1</c> and <c>--parallel 2</c> against raw COPY of
/// exactly the same row sets, for a ~10 % subset of the roots and for a full export, plus
/// <c>pg_dump --data-only</c> of the whole database as a reference line.
/// </summary>
internal static class ExportBenchmark
{
    private const string Baseline = "COPY (raw)";
    private const string BaselineSorted = "COPY (sorted by key)";
    private const string Parallel1 = "PgSeed --parallel 1";
    private const string Parallel2 = "PgSeed --parallel 2";
    private const string PgDump = "pg_dump --data-only";
    private const string DataOnly = "PgSeed --parallel 1, data only (no schema.sql, no PII lint)";
    private static string Tuned(string sessionOptions) => $"PgSeed --parallel 1 with `{sessionOptions}`";

    private sealed record Case(string Name, string Title, string? Filter);

    private sealed record CaseResult(Case Case, Measurement Measurement, long Rows, long Bytes, int Tables, int CompleteTables,
        string Phases, bool Deterministic);

    public static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var schema = new BenchSchema(options.Scale);
        Console.WriteLine($"Export benchmark: {schema.TotalRows:N0} rows, {options.Reps} measured rounds + 1 warm-up.");
        Directory.CreateDirectory(options.WorkDirectory);
        await using var server = await LocalPostgresServer.StartAsync(cancellationToken);
        try
        {
            await SlowStatementLog.EnableAsync(server, options, cancellationToken);
            await server.CreateDatabaseAsync("bench", cancellationToken: cancellationToken);
            var cs = BenchConnections.For(server, "bench");
            var machine = await MachineInfo.DescribeAsync(cs, cancellationToken);
            Console.WriteLine(machine);
            var generated = Stopwatch.StartNew();
            await schema.CreateAsync(cs, Console.WriteLine, cancellationToken);
            Console.WriteLine($"Database generated in {generated.Elapsed.TotalSeconds:0} s.");
            var databaseSize = await DatabaseSizeAsync(cs, cancellationToken);

            var results = new List<CaseResult>();
            foreach (var c in new[]
                     {
                         new Case("subset", $"~10 % of the roots (`{BenchSchema.RootTable}` {BenchSchema.SubsetFilter})", BenchSchema.SubsetFilter),
                         new Case("full", $"full export (every `{BenchSchema.RootTable}` row as a root)", null),
                     }.Where(c => options.Case is null || c.Name == options.Case))
                results.Add(await RunCaseAsync(server, cs, c, options, cancellationToken));

            var report = Render(schema, machine, databaseSize, results, options);
            Console.WriteLine();
            Console.WriteLine(report);
            if (options.WriteDocs)
            {
                var path = Path.Combine(BenchmarksDocument.FindRepositoryRoot(), "docs", "benchmarks.md");
                BenchmarksDocument.UpdateSection(path, "Export", report);
                Console.WriteLine($"Updated {path}");
            }
            return 0;
        }
        finally
        {
            SlowStatementLog.Collect(server, options, Path.Combine(Path.GetTempPath(), "pgseed-bench-export-slow-statements.log"));
            TryDelete(options.WorkDirectory);
        }
    }

    private static async Task<CaseResult> RunCaseAsync(LocalPostgresServer server, string cs, Case c, BenchOptions options,
        CancellationToken cancellationToken)
    {
        Console.WriteLine();
        Console.WriteLine($"== {c.Title}");
        var work = Path.Combine(options.WorkDirectory, c.Name);
        var reference = Path.Combine(work, "reference-seed");

        // The reference seed (untimed) fixes the row sets the baselines copy.
        var referenceReport = await ExportAsync(cs, c, 1, reference, null, cancellationToken);
        var baseline = await CopyBaseline.PrepareAsync(cs, reference, c.Name, cancellationToken);
        var referenceManifest = ManifestSerializer.Read(reference);
        Console.WriteLine($"   {referenceReport.TotalRows:N0} rows in {referenceReport.Tables.Count} tables, {referenceReport.TotalBytes / 1e6:0.0} MB " +
                          $"({baseline.Count(b => b.Complete)} tables complete, the rest copied through key joins)");

        var measurement = new Measurement();
        var deterministic = true;
        var phases = "";
        var contenders = new List<(string Name, Func<string, Task> Run)>
        {
            (Baseline, dir => CopyBaseline.ExportAsync(cs, baseline, dir, sorted: false, cancellationToken)),
            (BaselineSorted, dir => CopyBaseline.ExportAsync(cs, baseline, dir, sorted: true, cancellationToken)),
            (Parallel1, async dir =>
            {
                var log = new TimedSeedLog();
                var started = Stopwatch.StartNew();
                await ExportAsync(cs, c, 1, dir, log, cancellationToken);
                phases = Phases(log, started.Elapsed.TotalSeconds);
                await log.WriteAsync(LogPath(c.Name));
            }),
            (Parallel2, dir => ExportAsync(cs, c, 2, dir, null, cancellationToken)),
            // The defaults also write schema.sql (pg_dump) and sample values for the personal-data lint:
            // this contender shows what those cost.
            (DataOnly, dir => ExportAsync(cs, c, 1, dir, null, cancellationToken, dataOnly: true)),
        };
        if (options.TrySessionOptions is { } sessionOptions)
        {
            var tuned = new NpgsqlConnectionStringBuilder(cs) { Options = sessionOptions }.ConnectionString;
            contenders.Add((Tuned(sessionOptions), dir => ExportAsync(tuned, c, 1, dir, null, cancellationToken)));
        }
        if (c.Filter is null) contenders.Add((PgDump, dir => PgDumpAsync(server, dir, cancellationToken)));

        for (var round = 0; round <= options.Reps; round++)
        {
            var record = round > 0;
            // Rotate the starting contender so none always runs first (after the warm-up round).
            for (var i = 0; i < contenders.Count; i++)
            {
                var (name, run) = contenders[(i + round) % contenders.Count];
                var dir = Path.Combine(work, $"out-{round}-{i}");
                await CheckpointAsync(cs, cancellationToken);
                var elapsed = await measurement.TimeAsync(name, () => run(dir), record);
                Console.WriteLine($"   round {round}{(record ? "" : " (warm-up)"),-10} {name,-22} {elapsed.TotalSeconds,7:0.000} s");
                if (name is not (Baseline or BaselineSorted or PgDump or DataOnly)) deterministic &= SameFiles(referenceManifest, dir);
                TryDelete(dir);
            }
        }
        return new CaseResult(c, measurement, referenceReport.TotalRows, referenceReport.TotalBytes, baseline.Count,
            baseline.Count(b => b.Complete), phases, deterministic);
    }

    /// <summary>PgSeed's timed log of the last --parallel 1 round, kept for finding where the time goes.</summary>
    internal static string LogPath(string caseName) => Path.Combine(Path.GetTempPath(), $"pgseed-bench-export-{caseName}-p1.log");

    private static async Task<ExportReport> ExportAsync(string cs, Case c, int parallel, string directory, TimedSeedLog? log,
        CancellationToken cancellationToken, bool dataOnly = false)
    {
        var request = new ExportRequest
        {
            ConnectionString = cs,
            Roots = new[] { new RootSelection { Table = BenchSchema.RootTable, Filter = c.Filter } },
            Children = ChildrenMode.All,
            Parallel = parallel,
            OutputDirectory = directory,
            WriteSchema = !dataOnly,
            PiiLint = !dataOnly,
        };
        return await SeedExporter.ExportAsync(request, log, cancellationToken);
    }

    /// <summary>Every file of a re-export must match the reference seed byte for byte (by SHA-256).</summary>
    private static bool SameFiles(SeedManifest reference, string directory)
    {
        try
        {
            var again = ManifestSerializer.Read(directory);
            return reference.Tables.Select(t => (t.File, t.Sha256)).SequenceEqual(again.Tables.Select(t => (t.File, t.Sha256)));
        }
        catch (Exception e) when (e is IOException or Engine.Diagnostics.PgSeedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Splits PgSeed's wall time at the first <c>COPY ... TO STDOUT</c> it logs: before it is connecting,
    /// reading the catalog and computing the closure; after it, the data COPY-out, files and manifest.
    /// </summary>
    private static string Phases(TimedSeedLog log, double totalSeconds)
    {
        var lines = log.Lines.ToList();
        if (lines.Count == 0) return "";
        static double At(string line) => double.Parse(line[..line.IndexOf('s')].Trim(), CultureInfo.InvariantCulture);
        var firstCopy = lines.FirstOrDefault(l => l.Contains(" sql ", StringComparison.Ordinal) && l.Contains("COPY", StringComparison.OrdinalIgnoreCase)
                                                   && l.Contains("TO STDOUT", StringComparison.OrdinalIgnoreCase));
        // The exporter reports its closure ("closure: N rounds in T"); quote it when present.
        var closure = lines.Select(l => l.IndexOf("closure: ", StringComparison.Ordinal) is var i and >= 0 ? l[(i + 9)..].Trim() : null)
            .FirstOrDefault(l => l is not null);
        var rounds = closure is null ? "" : $" (closure: {closure})";
        return firstCopy is null
            ? $"{totalSeconds:0.00} s in all (no COPY statement in the log to split it)"
            : $"connect + catalog + closure until the first COPY-out {At(firstCopy):0.00} s{rounds}, then COPY-out + files + checksums + manifest {totalSeconds - At(firstCopy):0.00} s";
    }

    private static async Task PgDumpAsync(LocalPostgresServer server, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var pgDump = Path.Combine(PostgresBinaries.FindBinDirectory(), "pg_dump");
        var psi = new ProcessStartInfo(pgDump) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--data-only", "--schema=public", "--no-sync", "-f", Path.Combine(directory, "dump.sql"),
                     "--dbname", $"host=127.0.0.1 port={server.Port} user=postgres dbname=bench" })
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0) throw new InvalidOperationException($"pg_dump failed: {await stderr}");
    }

    private static async Task CheckpointAsync(string cs, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync(cancellationToken);
        await BenchSchema.ExecuteAsync(connection, "CHECKPOINT", cancellationToken);
    }

    private static async Task<string> DatabaseSizeAsync(string cs, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync(cancellationToken);
        return await CopyBaseline.ScalarAsync<string>(connection, "SELECT pg_size_pretty(pg_database_size(current_database()))", cancellationToken);
    }

    private static string Render(BenchSchema schema, string machine, string databaseSize, IReadOnlyList<CaseResult> results, BenchOptions options)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"_Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC with `dotnet run -c Release --project bench/PgSeed.Bench -- export {options.CommandLine}`._".Replace(" `._", "`._"));
        sb.AppendLine();
        sb.AppendLine($"- **Machine:** {machine}.");
        sb.AppendLine($"- **Database:** 12 tables, {schema.TotalRows:N0} rows, {databaseSize} (bench/PgSeed.Bench/BenchSchema.cs: accounts → users, " +
                      "addresses, orders → order items, payments; products → suppliers, categories (self-reference); the account ↔ owner-user " +
                      "cycle; one order in 50 ships to another account's address).");
        sb.AppendLine("- **Baseline:** `COPY (SELECT <the seed's columns> FROM t [JOIN <the seed's keys>]) TO STDOUT (FORMAT csv, HEADER)` " +
                      "for each exported table, one after another on one connection, streamed to files: the same row sets PgSeed wrote, " +
                      "without closure, snapshot sharing, sorting or checksums. The key tables for partial row sets are built before timing. " +
                      "`COPY (sorted by key)` adds the `ORDER BY` PgSeed needs for byte-identical files.");
        sb.AppendLine("- **PgSeed:** `SeedExporter.ExportAsync` (what `pgseed export` runs) into an empty folder: snapshot, catalog, closure " +
                      "in temp tables, COPY-out, SHA-256, manifest, folder swap, with the defaults of `pgseed export` (which also write " +
                      "`schema.sql` with pg_dump and sample values for the personal-data lint); the data-only line turns those two off.");
        sb.AppendLine();
        sb.AppendLine("| case | rows exported | CSV | contender | median s | spread s | ratio to raw COPY | goal |");
        sb.AppendLine("|---|---:|---:|---|---:|---:|---:|---|");
        foreach (var r in results)
        {
            var m = r.Measurement;
            var first = true;
            var names = new List<string> { Baseline, BaselineSorted, Parallel1, Parallel2, DataOnly };
            if (options.TrySessionOptions is not null) names.Add(Tuned(options.TrySessionOptions));
            names.Add(PgDump);
            foreach (var name in names)
            {
                if (!m.Has(name)) continue;
                var ratio = name == Baseline ? "1.00" : m.MedianRatio(name, Baseline).ToString("0.00", CultureInfo.InvariantCulture);
                var goal = name == Parallel1 ? (m.MedianRatio(name, Baseline) <= 1.3 ? "≤ 1.3: **met**" : "≤ 1.3: **missed**") : "";
                var label = name == PgDump ? "`pg_dump --data-only` (whole database, reference)" : name;
                sb.AppendLine(first
                    ? $"| {r.Case.Name} | {r.Rows:N0} ({r.Tables} tables) | {r.Bytes / 1e6:0.0} MB | {label} | {m.MedianSeconds(name):0.000} | {m.Spread(name)} | {ratio} | {goal} |"
                    : $"| | | | {label} | {m.MedianSeconds(name):0.000} | {m.Spread(name)} | {ratio} | {goal} |");
                first = false;
            }
        }
        sb.AppendLine();
        foreach (var r in results)
        {
            sb.AppendLine($"- {r.Case.Name}: {r.Case.Title}; {r.CompleteTables} of {r.Tables} tables exported complete. " +
                          $"Re-exports byte-identical to the first: {(r.Deterministic ? "yes" : "**no**")}." +
                          (r.Phases.Length > 0 ? $" Where PgSeed's time goes (`--parallel 1`, last round, from its log): {r.Phases}." : ""));
            Console.WriteLine($"PgSeed's log of the last --parallel 1 round ({r.Case.Name}): {LogPath(r.Case.Name)}");
        }
        return sb.ToString();
    }

    internal static void TryDelete(string path)
    {
        try { if (Directory.Exists(path)) Directory.Delete(path, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
