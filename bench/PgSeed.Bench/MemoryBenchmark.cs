using System.Globalization;
using System.Text;
using Npgsql;
using PgSeed.Testing.Servers;

namespace PgSeed.Bench;

/// <summary>
/// <c>memory</c> mode (issue 13): peak RSS of whole <c>pgseed export</c> and <c>pgseed import</c> processes on one table
/// of about 1 GB of CSV (<c>--size-mb</c>), with <c>pg_dump</c> and <c>psql</c> doing the same as references. Streaming
/// means the peak must not grow with the table: the goal is ≤ 150 MB.
/// </summary>
internal static class MemoryBenchmark
{
    public const string Section = "Memory: a 1 GB table, whole processes";
    private const double GoalMb = 150;
    private const int BytesPerRow = 300; // id, timestamp, name and a 256-character payload, as CSV

    public static Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        // A 1 GB table, its import target and the upsert's stage copy do not belong in RAM (/dev/shm): use a disk scratch
        // folder unless one was chosen. Set before anything touches LocalPostgresServer (its scratch root is read once).
        if (Environment.GetEnvironmentVariable(LocalPostgresServer.ScratchDirectoryVariable) is null)
        {
            var scratch = Path.Combine(Path.GetTempPath(), "pgseed-bench-scratch");
            Directory.CreateDirectory(scratch);
            Environment.SetEnvironmentVariable(LocalPostgresServer.ScratchDirectoryVariable, scratch);
        }
        return RunCoreAsync(args, cancellationToken);
    }

    private static async Task<int> RunCoreAsync(string[] args, CancellationToken cancellationToken)
    {
        var sizeMb = 1024;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
            if (args[i] == "--size-mb" && i + 1 < args.Length) sizeMb = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else rest.Add(args[i]);
        var options = BenchOptions.Parse(rest) with { CommandLine = string.Join(' ', args) };
        var rows = (long)sizeMb * 1_000_000 / BytesPerRow;
        Directory.CreateDirectory(options.WorkDirectory);
        await using var server = await LocalPostgresServer.StartAsync(cancellationToken);
        try
        {
            var machine = await MachineInfo.DescribeAsync(server.AdminConnectionString, cancellationToken);
            Console.WriteLine(machine);
            const string source = "bench_memory", target = "bench_memory_target";
            const string ddl = "CREATE TABLE big (id bigint NOT NULL, created_at timestamptz NOT NULL, name text NOT NULL, payload text NOT NULL);";
            await server.CreateDatabaseAsync(source, cancellationToken: cancellationToken);
            await server.CreateDatabaseAsync(target, cancellationToken: cancellationToken);
            var cs = BenchConnections.For(server, source);
            var targetCs = BenchConnections.For(server, target);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            await using (var connection = new NpgsqlConnection(cs))
            {
                await connection.OpenAsync(cancellationToken);
                await BenchSchema.ExecuteAsync(connection, ddl + $"""
                    INSERT INTO big SELECT g, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second', 'item ' || g, repeat(md5(g::text), 8)
                    FROM generate_series(1::bigint, {rows}) g;
                    ALTER TABLE big ADD PRIMARY KEY (id);
                    """, cancellationToken);
                await BenchSchema.ExecuteAsync(connection, "VACUUM ANALYZE big", cancellationToken);
            }
            await using (var connection = new NpgsqlConnection(targetCs))
            {
                await connection.OpenAsync(cancellationToken);
                await BenchSchema.ExecuteAsync(connection, ddl + "ALTER TABLE big ADD PRIMARY KEY (id);", cancellationToken);
            }
            Console.WriteLine($"Table of {rows:N0} rows generated in {watch.Elapsed.TotalSeconds:0} s.");

            var results = new List<(string Name, ProcessResult Result, bool PgSeed)>();
            async Task<ProcessResult> Run(string name, string file, IEnumerable<string> arguments, bool pgseed)
            {
                var r = await WholeProcess.RunAsync(file, arguments, cancellationToken);
                results.Add((name, r, pgseed));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"   {name,-45} {r.WallSeconds,8:0.00} s wall, {r.UserSeconds:0.00} user + {r.SystemSeconds:0.00} sys, peak RSS {r.MaxRssKb / 1024.0:0} MB"));
                return r;
            }
            var seed = Path.Combine(options.WorkDirectory, "seed");
            var csv = Path.Combine(options.WorkDirectory, "big.csv");
            var roots = new[] { new PgSeed.Engine.Export.RootSelection { Table = "big" } };
            await Run("pgseed export -p 1", WholeProcess.PgSeed, ExportBenchmark.CliArguments(cs, roots, seed, parallel: 1), true);
            var csvBytes = new FileInfo(Path.Combine(seed, Engine.Seed.ManifestSerializer.Read(seed).Tables[0].File)).Length;
            var again = Path.Combine(options.WorkDirectory, "seed-defaults");
            await Run("pgseed export (defaults)", WholeProcess.PgSeed, ExportBenchmark.CliArguments(cs, roots, again, parallel: null), true);
            ExportBenchmark.TryDelete(again);
            await Run("pg_dump --data-only -t big", WholeProcess.PgDump,
                ["--data-only", "-t", "big", "--no-sync", "-f", Path.Combine(options.WorkDirectory, "dump.sql"), "--dbname", WholeProcess.Libpq(server, source)], false);
            File.Delete(Path.Combine(options.WorkDirectory, "dump.sql"));
            await Run("psql \\copy (... ORDER BY id) TO file", WholeProcess.Psql,
                ["-X", "-q", "-d", WholeProcess.Libpq(server, source), "-c", $"\\copy (SELECT * FROM big ORDER BY id) TO '{csv}' WITH (FORMAT csv, HEADER)"], false);
            await Run("pgseed import --truncate", WholeProcess.PgSeed, ["import", "-c", targetCs, "--in", seed, "--truncate", "-q"], true);
            await Run("pgseed import --upsert (unchanged seed)", WholeProcess.PgSeed, ["import", "-c", targetCs, "--in", seed, "--upsert", "-q"], true);
            await Run("psql TRUNCATE + \\copy big FROM file", WholeProcess.Psql,
                ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", WholeProcess.Libpq(server, target), "-c", "TRUNCATE big", "-c", $"\\copy big FROM '{csv}' WITH (FORMAT csv, HEADER)"], false);

            var sb = new StringBuilder();
            sb.AppendLine($"_Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC with `dotnet run -c Release --project bench/PgSeed.Bench -- memory {options.CommandLine}`._".Replace(" `._", "`._"));
            sb.AppendLine();
            sb.AppendLine($"- **Machine:** {machine}. One run per line (peak memory does not depend on load; the seconds do).");
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"- **Table:** `big (id bigint PRIMARY KEY, created_at timestamptz, name text, payload text)`, {rows:N0} rows, " +
                $"{csvBytes / 1e9:0.00} GB as CSV; the import goes into the same empty table (primary key, no FKs) in another database."));
            sb.AppendLine("- **Peak RSS:** the process's maximum resident set size from `/usr/bin/time` (what `time -v` reports), start-up included.");
            sb.AppendLine();
            sb.AppendLine("| process | wall s | user CPU s | system CPU s | peak RSS MB | goal |");
            sb.AppendLine("|---|---:|---:|---:|---:|---|");
            foreach (var (name, r, pgseed) in results)
            {
                var mb = r.MaxRssKb / 1024.0;
                var goal = pgseed ? $"≤ {GoalMb:0} MB (#13): **{(mb <= GoalMb ? "met" : "missed")}**" : "reference";
                sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| `{name}` | {r.WallSeconds:0.00} | {r.UserSeconds:0.00} | {r.SystemSeconds:0.00} | {mb:0} | {goal} |"));
            }
            var report = sb.ToString();
            BenchmarksDocument.Publish(Section, report, options.WriteDocs);
            return 0;
        }
        finally
        {
            ExportBenchmark.TryDelete(options.WorkDirectory);
        }
    }
}
