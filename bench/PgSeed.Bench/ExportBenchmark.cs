using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;
using PgSeed.Engine.Export;
using PgSeed.Engine.Seed;
using PgSeed.Testing.Servers;

namespace PgSeed.Bench;

/// <summary>
/// Export benchmark (issues 2 and 13): PgSeed in-process (<c>--parallel 1</c>, <c>--parallel 2</c>, data only) and
/// as whole <c>pgseed export</c> processes, against raw COPY of exactly the same row sets (in-process and as one
/// <c>psql</c> session), for a ~10 % subset of the roots and for a full export (plus <c>pg_dump --data-only</c>),
/// on two shapes of the database: the original one stored in key order, and a shuffled one with link tables.
/// The small-seed case (<see cref="SmallSeedBenchmark"/>) times whole processes on a ~400-row database.
/// </summary>
internal static class ExportBenchmark
{
    private const string Baseline = "COPY (raw)";
    private const string BaselineSorted = "COPY (sorted by key)";
    private const string PsqlRaw = "psql \\copy (raw), one session";
    private const string Parallel1 = "PgSeed --parallel 1";
    private const string Parallel2 = "PgSeed --parallel 2";
    private const string DataOnly = "PgSeed --parallel 1, data only (no schema.sql, no PII lint)";
    private const string Process1 = "`pgseed export -p 1` (whole process)";
    private const string ProcessDefault = "`pgseed export` (whole process, defaults: -p 2)";
    private const string PgDump = "pg_dump --data-only";
    private static string Tuned(string sessionOptions) => $"PgSeed --parallel 1 with `{sessionOptions}`";

    private sealed record Case(string Name, string Title, string? Filter);

    private sealed record CaseResult(Case Case, Measurement Measurement, Dictionary<string, List<ProcessResult>> Processes, long Rows, long Bytes,
        int Tables, int CompleteTables, string Phases, bool Deterministic);

    public static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var shapes = options.Shape switch
        {
            "ordered" => new[] { BenchShape.Ordered },
            "shuffled" => new[] { BenchShape.Shuffled },
            null or "both" => new[] { BenchShape.Ordered, BenchShape.Shuffled },
            _ => throw new ArgumentException("--shape takes ordered, shuffled or both"),
        };
        var runSmall = options.Case == "small" || (options.Case is null && Math.Abs(options.Scale - 1) < 1e-9);
        var runLarge = options.Case is null or "subset" or "full";
        Directory.CreateDirectory(options.WorkDirectory);
        await using var server = await LocalPostgresServer.StartAsync(cancellationToken);
        try
        {
            await SlowStatementLog.EnableAsync(server, options, cancellationToken);
            var machine = await MachineInfo.DescribeAsync(server.AdminConnectionString, cancellationToken);
            Console.WriteLine(machine);
            var path = Path.Combine(BenchmarksDocument.FindRepositoryRoot(), "docs", "benchmarks.md");
            foreach (var shape in runLarge ? shapes : [])
            {
                var schema = new BenchSchema(options.Scale, shape);
                Console.WriteLine();
                Console.WriteLine($"Export benchmark, {shape} shape: {schema.TotalRows:N0} rows, {options.Reps} measured rounds + 1 warm-up.");
                var database = $"bench_{shape.ToString().ToLowerInvariant()}";
                await server.CreateDatabaseAsync(database, cancellationToken: cancellationToken);
                var cs = BenchConnections.For(server, database);
                var generated = Stopwatch.StartNew();
                await schema.CreateAsync(cs, Console.WriteLine, cancellationToken);
                Console.WriteLine($"Database generated in {generated.Elapsed.TotalSeconds:0} s.");
                var databaseSize = await DatabaseSizeAsync(cs, cancellationToken);

                var results = new List<CaseResult>();
                foreach (var c in new[]
                         {
                             new Case("subset", $"~10 % of the roots (`{BenchSchema.RootTable}` {BenchSchema.SubsetFilter})", BenchSchema.SubsetFilter),
                             new Case("full", $"full export (every `{BenchSchema.RootTable}` row as a root" +
                                              (schema.FullExportExtraRoots.Count > 0 ? $", and every row of {string.Join(", ", schema.FullExportExtraRoots.Select(t => $"`{t}`"))}" : "") + ")", null),
                         }.Where(c => options.Case is null || c.Name == options.Case))
                    results.Add(await RunCaseAsync(server, database, cs, schema, c, options, cancellationToken));

                var report = Render(schema, machine, databaseSize, results, options);
                Console.WriteLine();
                Console.WriteLine(report);
                if (options.WriteDocs)
                {
                    BenchmarksDocument.UpdateSection(path, SectionTitle(shape, options.Scale), report);
                    Console.WriteLine($"Updated {path}");
                }
            }
            if (runSmall)
            {
                var report = await SmallSeedBenchmark.RunAsync(server, machine, options, cancellationToken);
                Console.WriteLine();
                Console.WriteLine(report);
                if (options.WriteDocs)
                {
                    BenchmarksDocument.UpdateSection(path, SmallSeedBenchmark.Section, report);
                    Console.WriteLine($"Updated {path}");
                }
            }
            return 0;
        }
        finally
        {
            SlowStatementLog.Collect(server, options, Path.Combine(Path.GetTempPath(), "pgseed-bench-export-slow-statements.log"));
            TryDelete(options.WorkDirectory);
        }
    }

    /// <summary>docs/benchmarks.md section: the original shape keeps its "Export" section.</summary>
    public static string SectionTitle(BenchShape shape, double scale)
    {
        var title = shape == BenchShape.Ordered ? "Export" : "Export: shuffled shape with link tables";
        return Math.Abs(scale - 1) < 1e-9 ? title : $"{title} (scale {scale.ToString(CultureInfo.InvariantCulture)})";
    }

    private static async Task<CaseResult> RunCaseAsync(LocalPostgresServer server, string database, string cs, BenchSchema schema, Case c,
        BenchOptions options, CancellationToken cancellationToken)
    {
        Console.WriteLine();
        Console.WriteLine($"== {schema.Shape}: {c.Title}");
        var work = Path.Combine(options.WorkDirectory, $"{schema.Shape}-{c.Name}");
        var reference = Path.Combine(work, "reference-seed");
        var roots = Roots(schema, c);

        // The reference seed (untimed) fixes the row sets the baselines copy.
        var referenceReport = await ExportAsync(cs, roots, 1, reference, null, cancellationToken);
        var baseline = await CopyBaseline.PrepareAsync(cs, reference, c.Name, cancellationToken);
        var referenceManifest = ManifestSerializer.Read(reference);
        Console.WriteLine($"   {referenceReport.TotalRows:N0} rows in {referenceReport.Tables.Count} tables, {referenceReport.TotalBytes / 1e6:0.0} MB " +
                          $"({baseline.Count(b => b.Complete)} tables complete, the rest copied through key joins)");

        var measurement = new Measurement();
        var processes = new Dictionary<string, List<ProcessResult>>();
        var deterministic = true;
        var phases = "";
        async Task RunProcess(string name, string file, IEnumerable<string> args)
        {
            var result = await WholeProcess.RunAsync(file, args, cancellationToken);
            if (!processes.TryGetValue(name, out var list)) processes[name] = list = new List<ProcessResult>();
            list.Add(result);
        }
        var contenders = new List<(string Name, Func<string, Task> Run)>
        {
            (Baseline, dir => CopyBaseline.ExportAsync(cs, baseline, dir, sorted: false, cancellationToken)),
            (BaselineSorted, dir => CopyBaseline.ExportAsync(cs, baseline, dir, sorted: true, cancellationToken)),
            (PsqlRaw, dir => RunProcess(PsqlRaw, WholeProcess.Psql, PsqlArguments(server, database, baseline, dir, sorted: false))),
            (Parallel1, async dir =>
            {
                var log = new TimedSeedLog();
                var started = Stopwatch.StartNew();
                await ExportAsync(cs, roots, 1, dir, log, cancellationToken);
                phases = Phases(log, started.Elapsed.TotalSeconds);
                await log.WriteAsync(LogPath(schema.Shape, c.Name));
            }),
            (Parallel2, dir => ExportAsync(cs, roots, 2, dir, null, cancellationToken)),
            // The defaults also write schema.sql (pg_dump) and sample values for the personal-data lint:
            // this contender shows what those cost.
            (DataOnly, dir => ExportAsync(cs, roots, 1, dir, null, cancellationToken, dataOnly: true)),
            (Process1, dir => RunProcess(Process1, WholeProcess.PgSeed, CliArguments(cs, roots, dir, parallel: 1))),
            (ProcessDefault, dir => RunProcess(ProcessDefault, WholeProcess.PgSeed, CliArguments(cs, roots, dir, parallel: null))),
        };
        if (options.TrySessionOptions is { } sessionOptions)
        {
            var tuned = new NpgsqlConnectionStringBuilder(cs) { Options = sessionOptions }.ConnectionString;
            contenders.Add((Tuned(sessionOptions), dir => ExportAsync(tuned, roots, 1, dir, null, cancellationToken)));
        }
        if (c.Filter is null) contenders.Add((PgDump, dir => RunProcess(PgDump, WholeProcess.PgDump, PgDumpArguments(server, database, dir))));

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
                if (!record && processes.TryGetValue(name, out var warm)) warm.Clear(); // the warm-up round's process figures are not kept
                Console.WriteLine($"   round {round}{(record ? "" : " (warm-up)"),-10} {name,-50} {elapsed.TotalSeconds,7:0.000} s");
                if (name is Parallel1 or Parallel2 or Process1 or ProcessDefault) deterministic &= SameFiles(referenceManifest, dir);
                TryDelete(dir);
            }
        }
        return new CaseResult(c, measurement, processes, referenceReport.TotalRows, referenceReport.TotalBytes, baseline.Count,
            baseline.Count(b => b.Complete), phases, deterministic);
    }

    public static IReadOnlyList<RootSelection> Roots(BenchSchema schema, string? filter) =>
        new[] { new RootSelection { Table = BenchSchema.RootTable, Filter = filter } }
            .Concat(filter is null ? schema.FullExportExtraRoots.Select(t => new RootSelection { Table = t }) : [])
            .ToList();

    private static IReadOnlyList<RootSelection> Roots(BenchSchema schema, Case c) => Roots(schema, c.Filter);

    /// <summary><c>pgseed export</c> arguments for the same request the in-process contenders make.</summary>
    public static IEnumerable<string> CliArguments(string cs, IReadOnlyList<RootSelection> roots, string directory, int? parallel, bool verbose = false)
    {
        yield return "export";
        yield return "-c";
        yield return cs;
        yield return "-t";
        yield return roots[0].Table;
        if (roots[0].Filter is { } filter)
        {
            yield return "-f";
            yield return filter;
        }
        foreach (var extra in roots.Skip(1))
        {
            yield return "-i";
            yield return extra.Filter is null ? extra.Table : $"{extra.Table}:{extra.Filter}";
        }
        if (parallel is { } p)
        {
            yield return "-p";
            yield return p.ToString(CultureInfo.InvariantCulture);
        }
        yield return "-o";
        yield return directory;
        yield return verbose ? "-v" : "-q";
    }

    /// <summary>One <c>psql</c> session running the baseline's COPY statements as <c>\copy ... TO file</c>.</summary>
    public static IEnumerable<string> PsqlArguments(LocalPostgresServer server, string database, IReadOnlyList<BaselineTable> tables, string directory,
        bool sorted)
    {
        Directory.CreateDirectory(directory);
        var script = Path.Combine(directory, "copy.sql");
        var sql = new StringBuilder("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;\n");
        foreach (var t in tables)
        {
            var select = sorted && t.KeyOrder is not null ? $"{t.Select} ORDER BY {t.KeyOrder}" : t.Select;
            sql.Append($"\\copy ({select}) TO '{Path.Combine(directory, t.File).Replace("'", "''")}' WITH (FORMAT csv, HEADER)\n");
        }
        sql.Append("COMMIT;\n");
        File.WriteAllText(script, sql.ToString());
        return ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", WholeProcess.Libpq(server, database), "-f", script];
    }

    public static IEnumerable<string> PgDumpArguments(LocalPostgresServer server, string database, string directory)
    {
        Directory.CreateDirectory(directory);
        return ["--data-only", "--schema=public", "--no-sync", "-f", Path.Combine(directory, "dump.sql"), "--dbname", WholeProcess.Libpq(server, database)];
    }

    /// <summary>PgSeed's timed log of the last --parallel 1 round, kept for finding where the time goes.</summary>
    internal static string LogPath(BenchShape shape, string caseName) =>
        Path.Combine(Path.GetTempPath(), $"pgseed-bench-export-{(shape == BenchShape.Ordered ? "" : "shuffled-")}{caseName}-p1.log");

    private static async Task<ExportReport> ExportAsync(string cs, IReadOnlyList<RootSelection> roots, int parallel, string directory, TimedSeedLog? log,
        CancellationToken cancellationToken, bool dataOnly = false)
    {
        var request = new ExportRequest
        {
            ConnectionString = cs,
            Roots = roots,
            Children = ChildrenMode.All,
            Parallel = parallel,
            OutputDirectory = directory,
            WriteSchema = !dataOnly,
            PiiLint = !dataOnly,
        };
        return await SeedExporter.ExportAsync(request, log, cancellationToken);
    }

    /// <summary>Every file of a re-export must match the reference seed byte for byte (by SHA-256).</summary>
    public static bool SameFiles(SeedManifest reference, string directory)
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

    public static async Task CheckpointAsync(string cs, CancellationToken cancellationToken)
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

    /// <summary>Median client CPU (user + system) of a whole-process contender, or "" for in-process ones.</summary>
    public static string Cpu(Dictionary<string, List<ProcessResult>> processes, string name) =>
        processes.TryGetValue(name, out var list) && list.Count > 0 && !double.IsNaN(list[0].CpuSeconds)
            ? string.Create(CultureInfo.InvariantCulture,
                $"{Measurement.Median(list.Select(p => p.UserSeconds).ToList()):0.00} + {Measurement.Median(list.Select(p => p.SystemSeconds).ToList()):0.00}")
            : "";

    private static string Render(BenchSchema schema, string machine, string databaseSize, IReadOnlyList<CaseResult> results, BenchOptions options)
    {
        var shuffled = schema.Shape == BenchShape.Shuffled;
        var sb = new StringBuilder();
        sb.AppendLine($"_Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC with `dotnet run -c Release --project bench/PgSeed.Bench -- export {options.CommandLine}`._".Replace(" `._", "`._"));
        sb.AppendLine();
        sb.AppendLine($"- **Machine:** {machine}.");
        sb.AppendLine(shuffled
            ? $"- **Database:** {schema.TableCount} tables, {schema.TotalRows:N0} rows, {databaseSize}: the tables of the Export section plus `tag`, " +
              $"`product_tag` (product ↔ tag, {schema.ProductTags:N0} rows) and `user_favorite` (account user ↔ product, {schema.UserFavorites:N0} rows), " +
              "both link tables with composite primary keys; **every table's rows inserted in a random order** (`ORDER BY hashint8(id)`), so the " +
              "physical order has nothing to do with the key order and `ORDER BY key` is a real sort (bench/PgSeed.Bench/BenchSchema.cs, `BenchShape.Shuffled`)."
            : $"- **Database:** 12 tables, {schema.TotalRows:N0} rows, {databaseSize} (bench/PgSeed.Bench/BenchSchema.cs: accounts → users, " +
              "addresses, orders → order items, payments; products → suppliers, categories (self-reference); the account ↔ owner-user " +
              "cycle; one order in 50 ships to another account's address), rows stored in key order.");
        sb.AppendLine("- **Baseline:** `COPY (SELECT <the seed's columns> FROM t [JOIN <the seed's keys>]) TO STDOUT (FORMAT csv, HEADER)` " +
                      "for each exported table, one after another on one connection, streamed to files: the same row sets PgSeed wrote, " +
                      "without closure, snapshot sharing, sorting or checksums. The key tables for partial row sets are built before timing " +
                      "(the baseline gets its key sets for free). `COPY (sorted by key)` adds the `ORDER BY` PgSeed needs for byte-identical files. " +
                      "The `psql` line runs the same raw statements as `\\copy` in one `psql` process (start-up included).");
        sb.AppendLine("- **PgSeed:** `SeedExporter.ExportAsync` in the benchmark's process (warm: no start-up, JIT done after the warm-up round) and " +
                      "the `pgseed export` executable as a whole process (start-up included, what a user waits for). Both write an empty folder: " +
                      "snapshot, catalog, closure in temp tables, COPY-out, SHA-256, manifest, folder swap, with the defaults of `pgseed export` " +
                      "(which also write `schema.sql` with pg_dump and sample values for the personal-data lint); the data-only line turns those two off. " +
                      "CPU columns: the process's own user + system seconds (`/usr/bin/time`), medians.");
        sb.AppendLine();
        sb.AppendLine("| case | rows exported | CSV | contender | median s | spread s | ratio to raw COPY | ratio to pg_dump | client CPU s (user + sys) | goal |");
        sb.AppendLine("|---|---:|---:|---|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            var m = r.Measurement;
            var first = true;
            var names = new List<string> { Baseline, BaselineSorted, PsqlRaw, Parallel1, Parallel2, DataOnly, Process1, ProcessDefault };
            if (options.TrySessionOptions is not null) names.Add(Tuned(options.TrySessionOptions));
            names.Add(PgDump);
            var full = r.Case.Filter is null;
            foreach (var name in names)
            {
                if (!m.Has(name)) continue;
                var ratio = name == Baseline ? 1.0 : m.MedianRatio(name, Baseline);
                var toDump = full && m.Has(PgDump) ? m.MedianRatio(name, PgDump).ToString("0.00", CultureInfo.InvariantCulture) : "";
                var goal = name switch
                {
                    Parallel1 => $"≤ 1.3 (#2): **{(ratio <= 1.3 ? "met" : "missed")}**",
                    ProcessDefault when shuffled && full => $"≤ 1.5× pg_dump (#13): **{(m.MedianRatio(name, PgDump) <= 1.5 ? "met" : "missed")}**",
                    ProcessDefault when shuffled => $"≤ 1.0× raw COPY (#13): **{(ratio <= 1.0 ? "met" : "missed")}**",
                    _ => "",
                };
                var label = name == PgDump ? "`pg_dump --data-only` (whole database, whole process)" : name;
                var row = string.Create(CultureInfo.InvariantCulture,
                    $"{label} | {m.MedianSeconds(name):0.000} | {m.Spread(name)} | {ratio:0.00} | {toDump} | {Cpu(r.Processes, name)} | {goal} |");
                sb.AppendLine(first ? $"| {r.Case.Name} | {r.Rows:N0} ({r.Tables} tables) | {r.Bytes / 1e6:0.0} MB | {row}" : $"| | | | {row}");
                first = false;
            }
        }
        sb.AppendLine();
        foreach (var r in results)
        {
            sb.AppendLine($"- {r.Case.Name}: {r.Case.Title}; {r.CompleteTables} of {r.Tables} tables exported complete. " +
                          $"Re-exports (in-process and whole process) byte-identical to the first: {(r.Deterministic ? "yes" : "**no**")}." +
                          (r.Phases.Length > 0 ? $" Where PgSeed's time goes (`--parallel 1`, last round, from its log): {r.Phases}." : ""));
            Console.WriteLine($"PgSeed's log of the last --parallel 1 round ({r.Case.Name}): {LogPath(schema.Shape, r.Case.Name)}");
        }
        return sb.ToString();
    }

    internal static void TryDelete(string path)
    {
        try { if (Directory.Exists(path)) Directory.Delete(path, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
