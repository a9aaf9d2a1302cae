using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;
using PgSeed.Engine.Export;
using PgSeed.Engine.Seed;
using PgSeed.Testing.Servers;

namespace PgSeed.Bench;

/// <summary>
/// <c>profile</c> mode (issue 13, "benchmarks first"): where a whole <c>pgseed export</c> / <c>pgseed import</c> spends its
/// time on the shuffled shape, measured without touching the engine: process user/system CPU against pg_dump and psql;
/// the arrival time of each <c>-v</c> output line (start-up, catalog, closure, COPY); the JIT cost of a cold export;
/// client CPU per stage of the COPY-out path (read, UTF-16 decode, UTF-8 encode, record counting, SHA-256, file write)
/// replayed in this process on the largest tables; the import's checksum pre-scan; and, when <c>dotnet-trace</c> is
/// installed, its top methods.
/// </summary>
internal static partial class ProfileBenchmark
{
    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*\d+\.\s+(.+?)\s+([\d.]+)%\s+([\d.]+)%\s*$")]
    private static partial System.Text.RegularExpressions.Regex TopNLine();

    /// <summary>Frames where a thread blocks or spins rather than works.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"Wait|SpinOnce|Semaphore|Monitor\.Enter|^\(Non-Activities\)$|^Threads$")]
    private static partial System.Text.RegularExpressions.Regex WaitFrame();

    public const string Section = "Export and import: where pgseed's time goes (profile, before the performance work)";

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var stagesOnly = args.Contains("--stages-only");
        var options = BenchOptions.Parse(args.Where(a => a != "--stages-only").ToList()) with { CommandLine = string.Join(' ', args) };
        var schema = new BenchSchema(options.Scale, BenchShape.Shuffled);
        var reps = Math.Max(1, options.Reps);
        Directory.CreateDirectory(options.WorkDirectory);
        await using var server = await LocalPostgresServer.StartAsync(cancellationToken);
        try
        {
            var machine = await MachineInfo.DescribeAsync(server.AdminConnectionString, cancellationToken);
            Console.WriteLine(machine);
            const string database = "bench_shuffled";
            await server.CreateDatabaseAsync(database, cancellationToken: cancellationToken);
            var cs = BenchConnections.For(server, database);
            await schema.CreateAsync(cs, Console.WriteLine, cancellationToken);
            var roots = ExportBenchmark.Roots(schema, null);
            if (stagesOnly)
            {
                // Only the in-memory replay of the client stages (no whole processes, no trace, docs untouched).
                var only = Path.Combine(options.WorkDirectory, "seed");
                var exported = await SeedExporter.ExportAsync(new ExportRequest { ConnectionString = cs, Roots = roots, OutputDirectory = only, Parallel = 1 },
                    null, cancellationToken);
                Console.WriteLine(await ReplayAsync(only, ManifestSerializer.Read(only), exported.TotalBytes, cancellationToken));
                var live = await CopyBaseline.PrepareAsync(cs, only, "stages", cancellationToken);
                foreach (var b in live.Where(x => x.File.Contains("order_item", StringComparison.Ordinal) || x.File.Contains("user_favorite", StringComparison.Ordinal)))
                    foreach (var (stage, readBuffer) in new (Stage, int?)[] { (Stage.BinaryRaw, null), (Stage.TextRaw, null), (Stage.TextRaw, 1 << 16),
                                 (Stage.TextRaw, 1 << 20), (Stage.TextRead, null), (Stage.FileWrite, null), (Stage.FileWrite, 1 << 20) })
                    {
                        // Npgsql's read buffer (default 8 kB): does a larger one make the per-row reads cheaper?
                        var withBuffer = readBuffer is { } size ? new NpgsqlConnectionStringBuilder(cs) { ReadBufferSize = size }.ConnectionString : cs;
                        var r = await StageAsync(withBuffer, $"COPY ({b.Select} ORDER BY {b.KeyOrder}) TO STDOUT (FORMAT {(stage == Stage.BinaryRaw ? "binary" : "csv, HEADER")})", stage,
                            Path.Combine(options.WorkDirectory, "live.csv"), cancellationToken);
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"live {b.File,-28} {stage,-10} read buffer {readBuffer?.ToString(CultureInfo.InvariantCulture) ?? "default",-8} wall {r.Wall:0.000} s cpu {r.Cpu:0.00} s, {r.Bytes:N0} bytes in {r.Reads:N0} reads ({r.Bytes / Math.Max(1, r.Reads):N0} per read)"));
                    }
                return 0;
            }
            var sb = new StringBuilder();
            sb.AppendLine($"_Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC with `dotnet run -c Release --project bench/PgSeed.Bench -- profile {options.CommandLine}`._".Replace(" `._", "`._"));
            sb.AppendLine();
            sb.AppendLine($"- **Machine:** {machine}. {reps} round(s) per whole-process line (medians); the machine was shared and busy, so read the shares, not the seconds.");
            sb.AppendLine($"- **Database:** the shuffled shape at scale {options.Scale.ToString(CultureInfo.InvariantCulture)} ({schema.TotalRows:N0} rows, " +
                          $"{schema.TableCount} tables); the full export (every `account`, every `product_tag`).");
            sb.AppendLine();

            // 1. JIT of a cold export, before anything else in this process touches the engine.
            var jit = await ColdExportJitAsync(cs, roots, Path.Combine(options.WorkDirectory, "cold"), cancellationToken);

            // 2. Whole processes.
            var seed = Path.Combine(options.WorkDirectory, "seed");
            var reference = await SeedExporter.ExportAsync(new ExportRequest { ConnectionString = cs, Roots = roots, OutputDirectory = seed, Parallel = 1 },
                null, cancellationToken);
            var manifest = ManifestSerializer.Read(seed);
            var baseline = await CopyBaseline.PrepareAsync(cs, seed, "profile", cancellationToken);
            var lines = new Dictionary<string, List<ProcessResult>>();
            async Task Run(string name, string file, Func<int, IEnumerable<string>> args, IDictionary<string, string?>? environment = null)
            {
                for (var i = 0; i < reps; i++)
                {
                    await ExportBenchmark.CheckpointAsync(cs, cancellationToken);
                    var r = await WholeProcess.RunAsync(file, args(i), cancellationToken, environment: environment);
                    if (!lines.TryGetValue(name, out var list)) lines[name] = list = new List<ProcessResult>();
                    list.Add(r);
                    foreach (var dir in Directory.GetDirectories(options.WorkDirectory, "out-*")) ExportBenchmark.TryDelete(dir);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"   {name,-58} {r.WallSeconds,7:0.000} s wall, {r.UserSeconds:0.00} user + {r.SystemSeconds:0.00} sys, {r.MaxRssKb / 1024.0:0} MB peak RSS"));
                }
            }
            string Out(int i) => Path.Combine(options.WorkDirectory, $"out-{Guid.NewGuid():N}");
            await Run("pgseed --version", WholeProcess.PgSeed, _ => ["--version"]);
            await Run("pgseed export -p 1", WholeProcess.PgSeed, i => ExportBenchmark.CliArguments(cs, roots, Out(i), parallel: 1));
            await Run("pgseed export (defaults: -p 2)", WholeProcess.PgSeed, i => ExportBenchmark.CliArguments(cs, roots, Out(i), parallel: null));
            // The JIT's tiers, no code change: does the per-row loop run slowly while it is still tier-0 code?
            await Run("pgseed export -p 1, DOTNET_TieredCompilation=0", WholeProcess.PgSeed, i => ExportBenchmark.CliArguments(cs, roots, Out(i), parallel: 1),
                new Dictionary<string, string?> { ["DOTNET_TieredCompilation"] = "0" });
            await Run("pgseed export -p 1, DOTNET_TieredPGO=0", WholeProcess.PgSeed, i => ExportBenchmark.CliArguments(cs, roots, Out(i), parallel: 1),
                new Dictionary<string, string?> { ["DOTNET_TieredPGO"] = "0" });
            await Run("pg_dump --data-only", WholeProcess.PgDump, i => ExportBenchmark.PgDumpArguments(server, database, Out(i)));
            await Run("psql \\copy, same statements sorted by key", WholeProcess.Psql, i => ExportBenchmark.PsqlArguments(server, database, baseline, Out(i), sorted: true));
            var exportTimeline = await WholeProcess.RunAsync(WholeProcess.PgSeed, ExportBenchmark.CliArguments(cs, roots, Out(0), parallel: 1, verbose: true), cancellationToken);
            var exportTimelinePath = Path.Combine(Path.GetTempPath(), "pgseed-bench-profile-export-v.log");
            await WriteTimelineAsync(exportTimeline, exportTimelinePath);

            // Import: the same seed into empty tables with every FK; baseline psql \copy into FK-less copies.
            const string targetName = "bench_profile_target";
            await server.CreateDatabaseAsync(targetName, cancellationToken: cancellationToken);
            var target = BenchConnections.For(server, targetName);
            await schema.CreateEmptyAsync(target, cancellationToken);
            await ImportBenchmark.CreateBaselineTablesAsync(target, manifest, cancellationToken);
            var copyIn = ImportBenchmark.PsqlScript(manifest, seed, Path.Combine(options.WorkDirectory, "copy-in.sql"));
            await Run("pgseed import --truncate", WholeProcess.PgSeed, _ => ["import", "-c", target, "--in", seed, "--truncate", "-q"]);
            await Run("pgseed import --upsert (unchanged seed)", WholeProcess.PgSeed, _ => ["import", "-c", target, "--in", seed, "--upsert", "-q"]);
            await Run("psql \\copy into FK-less copies", WholeProcess.Psql, _ => ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", WholeProcess.Libpq(server, targetName), "-f", copyIn]);
            var importTimeline = await WholeProcess.RunAsync(WholeProcess.PgSeed, ["import", "-c", target, "--in", seed, "--truncate", "-v"], cancellationToken);
            var importTimelinePath = Path.Combine(Path.GetTempPath(), "pgseed-bench-profile-import-v.log");
            await WriteTimelineAsync(importTimeline, importTimelinePath);

            sb.AppendLine($"### Whole processes ({reference.TotalRows:N0} rows, {reference.TotalBytes / 1e6:0.0} MB of CSV)");
            sb.AppendLine();
            sb.AppendLine("| process | wall s | user CPU s | system CPU s | peak RSS MB |");
            sb.AppendLine("|---|---:|---:|---:|---:|");
            foreach (var (name, list) in lines)
                sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| `{name}` | {Med(list, r => r.WallSeconds):0.000} | {Med(list, r => r.UserSeconds):0.00} | {Med(list, r => r.SystemSeconds):0.00} | {Med(list, r => r.MaxRssKb) / 1024:0} |"));
            sb.AppendLine();
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"- **JIT of a cold export** (the first `SeedExporter.ExportAsync` in this process, full export, `--parallel 1`; " +
                $"Npgsql was already warm from building the database): {jit.ColdSeconds:0.00} s cold vs {jit.WarmSeconds:0.00} s warm; " +
                $"{jit.Methods:N0} methods compiled in {jit.JitSeconds:0.00} s of JIT time (`System.Runtime.JitInfo`, all threads)."));
            sb.AppendLine($"- **Export timeline** (`pgseed export -p 1 -v`, arrival time of its output lines): {Timeline(exportTimeline)} Full timeline: `{exportTimelinePath}`.");
            sb.AppendLine($"- **Import timeline** (`pgseed import --truncate -v`): {Timeline(importTimeline)} Full timeline: `{importTimelinePath}`.");
            sb.AppendLine();

            // 3. Client CPU per stage of the COPY-out path, replayed here on the largest tables.
            sb.AppendLine("### Client CPU per stage of the COPY-out path");
            sb.AppendLine();
            sb.AppendLine("Each line reads the same `COPY (SELECT <columns> FROM t ORDER BY <key>) TO STDOUT (FORMAT csv, HEADER)` PgSeed runs for a " +
                          "complete table, in this (warm) process, adding one stage of `TableCopier` at a time (cumulative); CPU is this process's " +
                          "user + system time (Npgsql's reads, decoding and our stages; the server is another process). Medians of 3.");
            sb.AppendLine();
            sb.AppendLine("| table | MB | stage (cumulative) | wall s | client CPU s | CPU added by the stage s | CPU ns/byte | reads | bytes (chars) per read |");
            sb.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|");
            foreach (var table in new[] { "order_item", "user_favorite" })
            {
                var t = manifest.Tables.First(x => x.Table == table);
                var b = baseline.First(x => x.File == t.File);
                var csvCopy = $"COPY ({b.Select} ORDER BY {b.KeyOrder}) TO STDOUT (FORMAT csv, HEADER)";
                var binaryCopy = $"COPY ({b.Select} ORDER BY {b.KeyOrder}) TO STDOUT (FORMAT binary)";
                double? previous = null;
                foreach (var stage in Enum.GetValues<Stage>())
                {
                    var samples = new List<(double Wall, double Cpu, long Bytes, long Reads)>();
                    for (var i = 0; i < 3; i++)
                        samples.Add(await StageAsync(cs, stage == Stage.BinaryRaw ? binaryCopy : csvCopy, stage,
                            Path.Combine(options.WorkDirectory, $"stage-{Guid.NewGuid():N}.csv"), cancellationToken));
                    var cpu = Measurement.Median(samples.Select(s => s.Cpu).ToList());
                    var added = stage >= Stage.TextRead && previous is { } p ? (cpu - p).ToString("0.00", CultureInfo.InvariantCulture) : "";
                    if (stage >= Stage.TextRead) previous = cpu;
                    sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {table} | {t.Bytes / 1e6:0.0} | {Describe(stage)} | {Measurement.Median(samples.Select(s => s.Wall).ToList()):0.000} | {cpu:0.00} | {added} | {cpu * 1e9 / t.Bytes:0.0} | {samples[0].Reads:N0} | {samples[0].Bytes / Math.Max(1, samples[0].Reads):N0} |"));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   stage {table} {stage,-12} cpu {cpu:0.000} s"));
                }
            }
            sb.AppendLine();
            sb.Append(await ReplayAsync(seed, manifest, reference.TotalBytes, cancellationToken));
            sb.AppendLine();
            var scan = await ScanAsync(seed, manifest, cancellationToken);
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"- **Import's checksum pre-scan** (`CsvScanner.ScanFileAsync` over every seed file: SHA-256 and record count of " +
                $"{reference.TotalBytes / 1e6:0.0} MB, before the first COPY): {scan.Wall:0.00} s wall, {scan.Cpu:0.00} s CPU (median of 3)."));
            var psqlStage = await PsqlToNullAsync(server, database, baseline.First(x => x.File.Contains("order_item", StringComparison.Ordinal)), cancellationToken);
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"- **The C client's floor for the same bytes:** `psql -c \"\\copy (... order_item ... ORDER BY key) TO '/dev/null' ...\"` uses " +
                $"{psqlStage.User:0.00} s user + {psqlStage.System:0.00} s system CPU ({psqlStage.Wall:0.00} s wall)."));
            sb.AppendLine();

            // 4. dotnet-trace, when installed.
            sb.Append(await TraceAsync(cs, roots, target, seed, options, cancellationToken));

            var report = sb.ToString();
            BenchmarksDocument.Publish(Section, report, options.WriteDocs);
            return 0;
        }
        finally
        {
            ExportBenchmark.TryDelete(options.WorkDirectory);
        }
    }

    /// <summary>The client stages replayed in memory on the two largest kinds of table (see <see cref="StageReplay"/>).</summary>
    private static async Task<string> ReplayAsync(string seed, SeedManifest manifest, long totalBytes, CancellationToken cancellationToken)
    {
        var results = new List<(string, double, IReadOnlyList<StageReplay.Row>)>();
        foreach (var table in new[] { "order_item", "user_favorite" })
        {
            var t = manifest.Tables.First(x => x.Table == table);
            results.Add((table, t.Bytes / 1e6, await StageReplay.RunAsync(Path.Combine(seed, t.File), 5, cancellationToken)));
        }
        return "The same client stages **replayed in memory** on the seed files' bytes, one stage at a time, no server and no network " +
               "(bench/PgSeed.Bench/StageReplay.cs; median of 5 passes, single-threaded, so wall time is CPU time): what each stage costs per " +
               "byte on this CPU, and what that comes to for the whole export. The live table above adds Npgsql's network reads and the " +
               "machine's noise.\n\n" + StageReplay.Render(results, totalBytes);
    }

    private static double Med(List<ProcessResult> list, Func<ProcessResult, double> f) => Measurement.Median(list.Select(f).ToList());

    private static async Task WriteTimelineAsync(ProcessResult result, string path) =>
        await File.WriteAllLinesAsync(path, result.Lines.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.At,8:0.000}s {l.Line}"))
            .Append(string.Create(CultureInfo.InvariantCulture, $"{result.WallSeconds,8:0.000}s (exit {result.ExitCode}; {result.UserSeconds:0.00} s user, {result.SystemSeconds:0.00} s system CPU)")));

    /// <summary>The landmarks of a -v timeline: first line, catalog read, first COPY, last line, exit.</summary>
    private static string Timeline(ProcessResult r)
    {
        double? At(Func<string, bool> match) => r.Lines.Where(l => match(l.Line)).Select(l => (double?)l.At).FirstOrDefault();
        string S(double? v) => v is { } x ? x.ToString("0.00", CultureInfo.InvariantCulture) + " s" : "n/a";
        var first = r.Lines.Count > 0 ? r.Lines[0].At : (double?)null;
        var catalog = At(l => l.StartsWith("catalog", StringComparison.Ordinal));
        var copy = At(l => l.Contains("COPY", StringComparison.Ordinal) && (l.Contains("STDOUT", StringComparison.Ordinal) || l.Contains("STDIN", StringComparison.Ordinal)));
        var last = r.Lines.Count > 0 ? r.Lines[^1].At : (double?)null;
        return $"first output line at {S(first)} (process start, runtime, JIT, connecting), `catalog:` line at {S(catalog)}, first COPY statement at " +
               $"{S(copy)}, last line at {S(last)}, exit at {S(r.WallSeconds)}; {r.UserSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s user + " +
               $"{r.SystemSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s system CPU.";
    }

    private static async Task<(double ColdSeconds, double WarmSeconds, double JitSeconds, long Methods)> ColdExportJitAsync(string cs,
        IReadOnlyList<RootSelection> roots, string directory, CancellationToken cancellationToken)
    {
        var jit0 = System.Runtime.JitInfo.GetCompilationTime();
        var methods0 = System.Runtime.JitInfo.GetCompiledMethodCount();
        var watch = Stopwatch.StartNew();
        await SeedExporter.ExportAsync(new ExportRequest { ConnectionString = cs, Roots = roots, OutputDirectory = directory + "-1", Parallel = 1 }, null, cancellationToken);
        var cold = watch.Elapsed.TotalSeconds;
        var jit = (System.Runtime.JitInfo.GetCompilationTime() - jit0).TotalSeconds;
        var methods = System.Runtime.JitInfo.GetCompiledMethodCount() - methods0;
        await ExportBenchmark.CheckpointAsync(cs, cancellationToken);
        watch.Restart();
        await SeedExporter.ExportAsync(new ExportRequest { ConnectionString = cs, Roots = roots, OutputDirectory = directory + "-2", Parallel = 1 }, null, cancellationToken);
        var warm = watch.Elapsed.TotalSeconds;
        ExportBenchmark.TryDelete(directory + "-1");
        ExportBenchmark.TryDelete(directory + "-2");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   cold export {cold:0.00} s (JIT {jit:0.00} s, {methods} methods), warm {warm:0.00} s"));
        return (cold, warm, jit, methods);
    }

    private enum Stage { BinaryRaw, TextRaw, TextRead, Utf8, CountRecords, Scanner, FileWrite }

    private static string Describe(Stage stage) => stage switch
    {
        Stage.BinaryRaw => "reference: `COPY (FORMAT binary)` read as raw bytes (no text at all)",
        Stage.TextRaw => "reference: CSV COPY, raw bytes from the text reader's underlying stream (no decoding)",
        Stage.TextRead => "CSV COPY read as text (`BeginTextExport`: UTF-8 → UTF-16 in Npgsql)",
        Stage.Utf8 => "+ UTF-8 encode (UTF-16 → bytes again)",
        Stage.CountRecords => "+ record counting (quote-aware newline count)",
        Stage.Scanner => "+ SHA-256 (`CsvScanner.Append`: count + hash, the engine's code)",
        Stage.FileWrite => "+ file write (async `FileStream`, 64 kB): all of `TableCopier`",
        _ => stage.ToString(),
    };

    /// <summary>One run of the COPY-out path up to <paramref name="stage"/>: wall, this process's CPU, bytes.</summary>
    private static async Task<(double Wall, double Cpu, long Bytes, long Reads)> StageAsync(string cs, string copySql, Stage stage, string path,
        CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(cs) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await ExportBenchmark.CheckpointAsync(cs, cancellationToken);
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        long bytes = 0, reads = 0;
        var buffer = new byte[1 << 16];
        if (stage == Stage.BinaryRaw)
        {
            await using var raw = await connection.BeginRawBinaryCopyAsync(copySql, cancellationToken);
            int n;
            while ((n = await raw.ReadAsync(buffer, cancellationToken)) > 0) { bytes += n; reads++; }
        }
        else
        {
            using var reader = await connection.BeginTextExportAsync(copySql, cancellationToken);
            if (stage == Stage.TextRaw && reader is StreamReader { BaseStream: { } underlying })
            {
                int n;
                while ((n = await underlying.ReadAsync(buffer, cancellationToken)) > 0) { bytes += n; reads++; }
            }
            else
            {
                const int charBuffer = 1 << 15; // TableCopier's sizes
                var chars = new char[charBuffer];
                var encoded = new byte[Encoding.UTF8.GetMaxByteCount(charBuffer)];
                var encoder = new UTF8Encoding(false).GetEncoder();
                var counter = new StageReplay.RecordCounter();
                var scanner = new CsvScanner();
                await using var file = stage == Stage.FileWrite
                    ? new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true)
                    : null;
                int n;
                while ((n = await reader.ReadAsync(chars.AsMemory(0, charBuffer), cancellationToken)) > 0)
                {
                    reads++;
                    if (stage < Stage.Utf8) { bytes += n; continue; }
                    var count = encoder.GetBytes(chars, 0, n, encoded, 0, flush: false);
                    bytes += count;
                    if (stage == Stage.CountRecords) counter.Append(encoded.AsSpan(0, count));
                    if (stage >= Stage.Scanner) scanner.Append(encoded.AsSpan(0, count));
                    if (file is not null) await file.WriteAsync(encoded.AsMemory(0, count), cancellationToken);
                }
                if (stage >= Stage.Scanner) _ = scanner.Sha256Hex();
                if (file is not null) await file.FlushAsync(cancellationToken);
            }
        }
        var wall = watch.Elapsed.TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        File.Delete(path);
        return (wall, cpu, bytes, reads);
    }

    private static async Task<(double Wall, double Cpu)> ScanAsync(string seed, SeedManifest manifest, CancellationToken cancellationToken)
    {
        var samples = new List<(double, double)>();
        for (var i = 0; i < 3; i++)
        {
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            foreach (var t in manifest.Tables) await CsvScanner.ScanFileAsync(Path.Combine(seed, t.File), cancellationToken);
            samples.Add((watch.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds));
        }
        return (Measurement.Median(samples.Select(s => s.Item1).ToList()), Measurement.Median(samples.Select(s => s.Item2).ToList()));
    }

    private static async Task<(double Wall, double User, double System)> PsqlToNullAsync(LocalPostgresServer server, string database, BaselineTable table,
        CancellationToken cancellationToken)
    {
        var runs = new List<ProcessResult>();
        for (var i = 0; i < 3; i++)
            runs.Add(await WholeProcess.RunAsync(WholeProcess.Psql,
                ["-X", "-q", "-d", WholeProcess.Libpq(server, database), "-c", $"\\copy ({table.Select} ORDER BY {table.KeyOrder}) TO '/dev/null' WITH (FORMAT csv, HEADER)"],
                cancellationToken));
        return (Med(runs, r => r.WallSeconds), Med(runs, r => r.UserSeconds), Med(runs, r => r.SystemSeconds));
    }

    /// <summary>dotnet-trace's top methods for one export and one import, when the tool is installed (see docs/benchmarks.md).</summary>
    private static async Task<string> TraceAsync(string cs, IReadOnlyList<RootSelection> roots, string target, string seed, BenchOptions options,
        CancellationToken cancellationToken)
    {
        var tool = new[]
            {
                Environment.GetEnvironmentVariable("DOTNET_TRACE"),
                Path.Combine(Path.GetTempPath(), "pgseed-bench-tools", "dotnet-trace"),
                Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "dotnet-trace"),
            }
            .FirstOrDefault(p => p is not null && File.Exists(p));
        var sb = new StringBuilder("### dotnet-trace (sampled thread time, top methods)\n\n");
        if (tool is null)
        {
            sb.AppendLine("Not run: `dotnet-trace` is not installed (`dotnet tool install dotnet-trace --tool-path /tmp/pgseed-bench-tools`).");
            return sb.ToString();
        }
        foreach (var (name, args) in new (string, IEnumerable<string>)[]
                 {
                     ("pgseed export -p 1 (full)", ExportBenchmark.CliArguments(cs, roots, Path.Combine(options.WorkDirectory, "traced-export"), parallel: 1)),
                     ("pgseed import --truncate", ["import", "-c", target, "--in", seed, "--truncate", "-q"]),
                 })
        {
            var trace = Path.Combine(Path.GetTempPath(), $"pgseed-bench-{(name.Contains("export", StringComparison.Ordinal) ? "export" : "import")}.nettrace");
            File.Delete(trace);
            await WholeProcess.RunAsync(tool, new[] { "collect", "-o", trace, "--", WholeProcess.PgSeed }.Concat(args), cancellationToken, mustSucceed: false);
            if (!File.Exists(trace))
            {
                sb.AppendLine($"`{name}`: no trace was written.");
                continue;
            }
            // Sampled thread time counts every thread, waiting or not: drop the wait frames and share the rest out again.
            var report = await WholeProcess.RunAsync(tool, ["report", trace, "topN", "-n", "300"], cancellationToken, mustSucceed: false);
            var reportPath = Path.ChangeExtension(trace, ".topN.txt");
            await File.WriteAllTextAsync(reportPath, report.Output, cancellationToken);
            var rows = report.Lines.Select(l => TopNLine().Match(l.Line)).Where(m => m.Success)
                .Select(m => (Name: m.Groups[1].Value.Trim(), Exclusive: double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)))
                .ToList();
            var working = rows.Where(r => !WaitFrame().IsMatch(r.Name)).ToList();
            var total = working.Sum(r => r.Exclusive);
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"`{name}`: {(rows.Count == 0 ? 0 : total * 100 / rows.Sum(r => r.Exclusive)):0}% of the samples are not waiting; of those, the top 20 methods by exclusive time " +
                $"(share of the non-waiting samples; \"Missing Symbol\" is native code without symbols: the JIT compiler, the runtime, OpenSSL, ...). " +
                $"Full report: `{reportPath}`, trace: `{trace}`."));
            sb.AppendLine();
            sb.AppendLine("| method | share |");
            sb.AppendLine("|---|---:|");
            foreach (var r in working.OrderByDescending(r => r.Exclusive).Take(20))
                sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| `{r.Name.Replace("|", "\\|")}` | {(total > 0 ? r.Exclusive * 100 / total : 0):0.0}% |"));
            sb.AppendLine();
        }
        return sb.ToString();
    }
}
