using System.Globalization;
using System.Text;
using Npgsql;
using PgSeed.Engine.Catalog;
using PgSeed.Engine.Export;
using PgSeed.Engine.Import;
using PgSeed.Engine.Seed;
using PgSeed.Engine.Sql;
using PgSeed.Testing.Servers;

namespace PgSeed.Bench;

/// <summary>
/// Import benchmark (issues 3 and 13): the full export's seed loaded with <c>--truncate</c> and <c>--upsert</c>, in-process
/// and as whole <c>pgseed import</c> processes, each against <c>COPY FROM</c> of the same CSV files into copies of the
/// tables that keep their primary keys, unique constraints and indexes but have no FKs, in one transaction (TRUNCATE +
/// COPY) — in-process, and as one <c>psql</c> session of <c>\copy</c> commands. On both database shapes.
/// </summary>
internal static class ImportBenchmark
{
    private const string Baseline = "COPY FROM (no FKs)";
    private const string PsqlBaseline = "psql \\copy (no FKs), one session";
    private const string Truncate = "PgSeed --truncate";
    private const string Upsert = "PgSeed --upsert";
    private const string ProcessTruncate = "`pgseed import --truncate` (whole process)";
    private const string ProcessUpsert = "`pgseed import --upsert` (whole process, unchanged seed)";
    private const string BaselineSchema = "baseline";

    public static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var shapes = options.Shape switch
        {
            "ordered" => new[] { BenchShape.Ordered },
            "shuffled" => new[] { BenchShape.Shuffled },
            null or "both" => new[] { BenchShape.Ordered, BenchShape.Shuffled },
            _ => throw new ArgumentException("--shape takes ordered, shuffled or both"),
        };
        Directory.CreateDirectory(options.WorkDirectory);
        await using var server = await LocalPostgresServer.StartAsync(cancellationToken);
        try
        {
            await SlowStatementLog.EnableAsync(server, options, cancellationToken);
            var machine = await MachineInfo.DescribeAsync(server.AdminConnectionString, cancellationToken);
            Console.WriteLine(machine);
            foreach (var shape in shapes)
            {
                var report = await RunShapeAsync(server, new BenchSchema(options.Scale, shape), machine, options, cancellationToken);
                Console.WriteLine();
                Console.WriteLine(report);
                if (options.WriteDocs)
                {
                    var path = Path.Combine(BenchmarksDocument.FindRepositoryRoot(), "docs", "benchmarks.md");
                    BenchmarksDocument.UpdateSection(path, SectionTitle(shape, options.Scale), report);
                    Console.WriteLine($"Updated {path}");
                }
            }
            return 0;
        }
        finally
        {
            SlowStatementLog.Collect(server, options, Path.Combine(Path.GetTempPath(), "pgseed-bench-import-slow-statements.log"));
            ExportBenchmark.TryDelete(options.WorkDirectory);
        }
    }

    public static string SectionTitle(BenchShape shape, double scale)
    {
        var title = shape == BenchShape.Ordered ? "Import" : "Import: shuffled shape with link tables";
        return Math.Abs(scale - 1) < 1e-9 ? title : $"{title} (scale {scale.ToString(CultureInfo.InvariantCulture)})";
    }

    private static async Task<string> RunShapeAsync(LocalPostgresServer server, BenchSchema schema, string machine, BenchOptions options,
        CancellationToken cancellationToken)
    {
        var name = schema.Shape.ToString().ToLowerInvariant();
        Console.WriteLine();
        Console.WriteLine($"Import benchmark, {schema.Shape} shape: {schema.TotalRows:N0} rows, {options.Reps} measured rounds + 1 warm-up.");
        await server.CreateDatabaseAsync($"bench_{name}", cancellationToken: cancellationToken);
        var source = BenchConnections.For(server, $"bench_{name}");
        await schema.CreateAsync(source, Console.WriteLine, cancellationToken);

        // The seed under test: a full export (untimed).
        var seed = Path.Combine(options.WorkDirectory, $"seed-{name}");
        var export = await SeedExporter.ExportAsync(new ExportRequest
        {
            ConnectionString = source,
            Roots = ExportBenchmark.Roots(schema, null),
            OutputDirectory = seed,
        }, null, cancellationToken);
        var manifest = ManifestSerializer.Read(seed);
        Console.WriteLine($"Seed: {export.TotalRows:N0} rows, {manifest.Tables.Count} files, {export.TotalBytes / 1e6:0.0} MB.");
        // The source database is not needed any more: free its space and cache for the imports.
        await server.DropDatabaseAsync($"bench_{name}", cancellationToken);

        var targetName = $"bench_{name}_target";
        await server.CreateDatabaseAsync(targetName, cancellationToken: cancellationToken);
        var target = BenchConnections.For(server, targetName);
        await schema.CreateEmptyAsync(target, cancellationToken);
        await CreateBaselineTablesAsync(target, manifest, cancellationToken);
        var psqlScript = PsqlScript(manifest, seed, Path.Combine(options.WorkDirectory, $"copy-in-{name}.sql"));

        var measurement = new Measurement();
        var processes = new Dictionary<string, List<ProcessResult>>();
        var countsMatch = true;
        async Task RunProcess(string contender, string file, IEnumerable<string> args)
        {
            var result = await WholeProcess.RunAsync(file, args, cancellationToken);
            if (!processes.TryGetValue(contender, out var list)) processes[contender] = list = new List<ProcessResult>();
            list.Add(result);
        }
        var contenders = new List<(string Name, Func<Task> Run)>
        {
            (Baseline, () => CopyIntoBaselineAsync(target, manifest, seed, cancellationToken)),
            (PsqlBaseline, () => RunProcess(PsqlBaseline, WholeProcess.Psql,
                ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", WholeProcess.Libpq(server, targetName), "-f", psqlScript])),
            (Truncate, () => ImportAsync(target, seed, ImportMode.Truncate, cancellationToken)),
            // Runs after a truncate import, so the target holds the seed: every row already exists (an unchanged seed).
            (Upsert, () => ImportAsync(target, seed, ImportMode.Upsert, cancellationToken)),
            (ProcessTruncate, () => RunProcess(ProcessTruncate, WholeProcess.PgSeed, ["import", "-c", target, "--in", seed, "--truncate", "-q"])),
            (ProcessUpsert, () => RunProcess(ProcessUpsert, WholeProcess.PgSeed, ["import", "-c", target, "--in", seed, "--upsert", "-q"])),
        };
        for (var round = 0; round <= options.Reps; round++)
        {
            var record = round > 0;
            foreach (var (contender, run) in contenders)
            {
                await MaintainAsync(target, cancellationToken);
                var elapsed = await measurement.TimeAsync(contender, run, record);
                if (!record && processes.TryGetValue(contender, out var warm)) warm.Clear();
                Console.WriteLine($"   round {round}{(record ? "" : " (warm-up)"),-10} {contender,-55} {elapsed.TotalSeconds,7:0.000} s");
                countsMatch &= await CountsMatchAsync(target, contender is Baseline or PsqlBaseline ? BaselineSchema : "public", manifest, cancellationToken);
            }
        }
        await server.DropDatabaseAsync(targetName, cancellationToken);
        ExportBenchmark.TryDelete(seed);
        return Render(schema, machine, manifest, measurement, processes, countsMatch, options);
    }

    private static Task<ImportReport> ImportAsync(string target, string seed, ImportMode mode, CancellationToken cancellationToken) =>
        SeedImporter.ImportAsync(new ImportRequest { ConnectionString = target, SeedDirectory = seed, Mode = mode }, null, cancellationToken);

    /// <summary>Copies of the seed's tables with keys, unique constraints, defaults and indexes, without FKs.</summary>
    internal static async Task CreateBaselineTablesAsync(string target, SeedManifest manifest, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder($"CREATE SCHEMA {BaselineSchema};\n");
        foreach (var t in manifest.Tables)
            sql.AppendLine($"CREATE TABLE {new TableName(BaselineSchema, t.Table).Sql} (LIKE {new TableName(t.Schema, t.Table).Sql} INCLUDING ALL);");
        await using var connection = new NpgsqlConnection(target);
        await connection.OpenAsync(cancellationToken);
        await BenchSchema.ExecuteAsync(connection, sql.ToString(), cancellationToken);
    }

    /// <summary>The timed baseline: one transaction, one TRUNCATE, one COPY FROM per CSV file.</summary>
    private static async Task CopyIntoBaselineAsync(string target, SeedManifest manifest, string seed, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(target) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var tables = manifest.Tables.Select(t => new TableName(BaselineSchema, t.Table).Sql).ToList();
        await BenchSchema.ExecuteAsync(connection, $"TRUNCATE {string.Join(", ", tables)}", cancellationToken);
        foreach (var t in manifest.Tables)
            await CopyBaseline.CopyInAsync(connection,
                $"COPY {new TableName(BaselineSchema, t.Table).Sql} ({Identifier.List(t.Columns.Select(c => c.Name))}) FROM STDIN (FORMAT csv, HEADER)",
                Path.Combine(seed, t.File), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The same baseline as one psql script: one transaction, one TRUNCATE, one <c>\copy ... FROM file</c> per CSV.</summary>
    internal static string PsqlScript(SeedManifest manifest, string seed, string path)
    {
        var sql = new StringBuilder("BEGIN;\n");
        sql.AppendLine($"TRUNCATE {string.Join(", ", manifest.Tables.Select(t => new TableName(BaselineSchema, t.Table).Sql))};");
        foreach (var t in manifest.Tables)
            sql.AppendLine($"\\copy {new TableName(BaselineSchema, t.Table).Sql} ({Identifier.List(t.Columns.Select(c => c.Name))}) FROM '{Path.Combine(seed, t.File).Replace("'", "''")}' WITH (FORMAT csv, HEADER)");
        sql.AppendLine("COMMIT;");
        File.WriteAllText(path, sql.ToString());
        return path;
    }

    /// <summary>Untimed between contenders: vacuum away the previous round's dead rows and checkpoint.</summary>
    private static async Task MaintainAsync(string target, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(target);
        await connection.OpenAsync(cancellationToken);
        await BenchSchema.ExecuteAsync(connection, "VACUUM ANALYZE", cancellationToken);
        await BenchSchema.ExecuteAsync(connection, "CHECKPOINT", cancellationToken);
    }

    private static async Task<bool> CountsMatchAsync(string target, string schemaName, SeedManifest manifest, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(target);
        await connection.OpenAsync(cancellationToken);
        foreach (var t in manifest.Tables)
        {
            var count = await CopyBaseline.ScalarAsync<long>(connection, $"SELECT count(*) FROM {new TableName(schemaName, t.Table).Sql}", cancellationToken);
            if (count != t.Rows)
            {
                Console.WriteLine($"   row count mismatch in {schemaName}.{t.Table}: {count} imported, {t.Rows} in the seed");
                return false;
            }
        }
        return true;
    }

    private static string Render(BenchSchema schema, string machine, SeedManifest manifest, Measurement m, Dictionary<string, List<ProcessResult>> processes,
        bool countsMatch, BenchOptions options)
    {
        var rows = manifest.Tables.Sum(t => t.Rows);
        var bytes = manifest.Tables.Sum(t => t.Bytes);
        var shuffled = schema.Shape == BenchShape.Shuffled;
        var sb = new StringBuilder();
        sb.AppendLine($"_Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC with `dotnet run -c Release --project bench/PgSeed.Bench -- import {options.CommandLine}`._".Replace(" `._", "`._"));
        sb.AppendLine();
        sb.AppendLine($"- **Machine:** {machine}.");
        sb.AppendLine($"- **Seed:** the full export of the {(shuffled ? "shuffled" : "ordered")} shape (see the Export sections): {manifest.Tables.Count} tables, " +
                      $"{rows:N0} rows, {bytes / 1e6:0.0} MB of CSV{(shuffled ? ", including the two link tables with composite keys" : "")}.");
        sb.AppendLine("- **Baselines:** one transaction with `TRUNCATE` of all tables and `COPY ... FROM STDIN (FORMAT csv, HEADER)` of each CSV " +
                      "file into copies of the tables made with `LIKE ... INCLUDING ALL` (primary keys, unique constraints, indexes and " +
                      "defaults kept; no FKs), on one connection: in the benchmark's process (Npgsql), and as one `psql` process running the " +
                      "same as `\\copy` commands (start-up included).");
        sb.AppendLine("- **PgSeed:** `SeedImporter.ImportAsync` in the benchmark's process and the `pgseed import` executable as a whole process, " +
                      "into the real tables with every FK: checksum and header checks, one transaction, FK handling, sequence fix-up. Each " +
                      "`--truncate` import is followed by an `--upsert` of the same seed over it, so every key already exists (an unchanged seed: " +
                      "the importer must match every row). `VACUUM ANALYZE` and `CHECKPOINT` run untimed between contenders. CPU: the process's " +
                      "own user + system seconds, medians.");
        sb.AppendLine();
        sb.AppendLine("| contender | median s | spread s | ratio to COPY FROM | ratio to psql \\copy | client CPU s (user + sys) | goal |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        string Goal(double ratio, double limit, string issue) => $"≤ {limit:0.0} ({issue}): **{(ratio <= limit ? "met" : "missed")}**";
        foreach (var name in new[] { Baseline, PsqlBaseline, Truncate, Upsert, ProcessTruncate, ProcessUpsert })
        {
            var ratio = name == Baseline ? 1.0 : m.MedianRatio(name, Baseline);
            var toPsql = name == PsqlBaseline ? 1.0 : m.MedianRatio(name, PsqlBaseline);
            var goal = name switch
            {
                Truncate => Goal(ratio, 1.3, "#3"),
                Upsert => Goal(ratio, 2.5, "#3"),
                ProcessTruncate when shuffled => Goal(toPsql, 1.0, "#13, to psql"),
                ProcessUpsert when shuffled => Goal(toPsql, 1.5, "#13, to psql"),
                _ => "",
            };
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {m.MedianSeconds(name):0.000} | {m.Spread(name)} | {ratio:0.00} | {toPsql:0.00} | {ExportBenchmark.Cpu(processes, name)} | {goal} |"));
        }
        sb.AppendLine();
        sb.AppendLine($"Row counts after every import equal the manifest's: {(countsMatch ? "yes" : "**no**")}.");
        return sb.ToString();
    }
}
