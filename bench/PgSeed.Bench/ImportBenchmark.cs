using System.Diagnostics;
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
/// Import benchmark (issue 3): the full export's seed loaded with <c>--truncate</c> and <c>--upsert</c>,
/// each against <c>COPY FROM</c> of the same CSV files into copies of the tables that keep their
/// primary keys, unique constraints and indexes but have no FKs, in one transaction (TRUNCATE + COPY).
/// </summary>
internal static class ImportBenchmark
{
    private const string Baseline = "COPY FROM (no FKs)";
    private const string Truncate = "PgSeed --truncate";
    private const string Upsert = "PgSeed --upsert";
    private const string BaselineSchema = "baseline";

    public static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var schema = new BenchSchema(options.Scale);
        Console.WriteLine($"Import benchmark: {schema.TotalRows:N0} rows, {options.Reps} measured rounds + 1 warm-up.");
        Directory.CreateDirectory(options.WorkDirectory);
        await using var server = await LocalPostgresServer.StartAsync(cancellationToken);
        try
        {
            await SlowStatementLog.EnableAsync(server, options, cancellationToken);
            await server.CreateDatabaseAsync("bench", cancellationToken: cancellationToken);
            var source = BenchConnections.For(server, "bench");
            var machine = await MachineInfo.DescribeAsync(source, cancellationToken);
            Console.WriteLine(machine);
            await schema.CreateAsync(source, Console.WriteLine, cancellationToken);

            // The seed under test: a full export (untimed).
            var seed = Path.Combine(options.WorkDirectory, "seed");
            var export = await SeedExporter.ExportAsync(new ExportRequest
            {
                ConnectionString = source,
                Roots = new[] { new RootSelection { Table = BenchSchema.RootTable } },
                OutputDirectory = seed,
            }, null, cancellationToken);
            var manifest = ManifestSerializer.Read(seed);
            Console.WriteLine($"Seed: {export.TotalRows:N0} rows, {manifest.Tables.Count} files, {export.TotalBytes / 1e6:0.0} MB.");

            await server.CreateDatabaseAsync("bench_target", cancellationToken: cancellationToken);
            var target = BenchConnections.For(server, "bench_target");
            await schema.CreateEmptyAsync(target, cancellationToken);
            await CreateBaselineTablesAsync(target, manifest, cancellationToken);

            var measurement = new Measurement();
            string? importUnavailable = null;
            var countsMatch = true;
            var contenders = new List<(string Name, Func<Task> Run)>
            {
                (Baseline, () => CopyIntoBaselineAsync(target, manifest, seed, cancellationToken)),
                (Truncate, () => ImportAsync(target, seed, ImportMode.Truncate, cancellationToken)),
                // Runs after a truncate import, so the target holds the seed: every row conflicts and is updated.
                (Upsert, () => ImportAsync(target, seed, ImportMode.Upsert, cancellationToken)),
            };
            for (var round = 0; round <= options.Reps; round++)
            {
                var record = round > 0;
                foreach (var (name, run) in contenders)
                {
                    if (name != Baseline && importUnavailable is not null) continue;
                    await MaintainAsync(target, cancellationToken);
                    try
                    {
                        var elapsed = await measurement.TimeAsync(name, run, record);
                        Console.WriteLine($"   round {round}{(record ? "" : " (warm-up)"),-10} {name,-20} {elapsed.TotalSeconds,7:0.000} s");
                        if (name != Baseline) countsMatch &= await CountsMatchAsync(target, "public", manifest, cancellationToken);
                    }
                    catch (NotImplementedException e)
                    {
                        importUnavailable = e.Message;
                        Console.WriteLine($"   {name}: not available in this build ({e.Message})");
                    }
                }
            }

            var report = Render(schema, machine, manifest, measurement, importUnavailable, countsMatch, options);
            Console.WriteLine();
            Console.WriteLine(report);
            if (options.WriteDocs)
            {
                var path = Path.Combine(BenchmarksDocument.FindRepositoryRoot(), "docs", "benchmarks.md");
                BenchmarksDocument.UpdateSection(path, "Import", report);
                Console.WriteLine($"Updated {path}");
            }
            return 0;
        }
        finally
        {
            SlowStatementLog.Collect(server, options, Path.Combine(Path.GetTempPath(), "pgseed-bench-import-slow-statements.log"));
            ExportBenchmark.TryDelete(options.WorkDirectory);
        }
    }

    private static Task<ImportReport> ImportAsync(string target, string seed, ImportMode mode, CancellationToken cancellationToken) =>
        SeedImporter.ImportAsync(new ImportRequest { ConnectionString = target, SeedDirectory = seed, Mode = mode }, null, cancellationToken);

    /// <summary>Copies of the seed's tables with keys, unique constraints, defaults and indexes, without FKs.</summary>
    private static async Task CreateBaselineTablesAsync(string target, SeedManifest manifest, CancellationToken cancellationToken)
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
                Console.WriteLine($"   row count mismatch in {t.Name}: {count} imported, {t.Rows} in the seed");
                return false;
            }
        }
        return true;
    }

    private static string Render(BenchSchema schema, string machine, SeedManifest manifest, Measurement m, string? importUnavailable,
        bool countsMatch, BenchOptions options)
    {
        var rows = manifest.Tables.Sum(t => t.Rows);
        var bytes = manifest.Tables.Sum(t => t.Bytes);
        var sb = new StringBuilder();
        sb.AppendLine($"_Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC with `dotnet run -c Release --project bench/PgSeed.Bench -- import {options.CommandLine}`._".Replace(" `._", "`._"));
        sb.AppendLine();
        sb.AppendLine($"- **Machine:** {machine}.");
        sb.AppendLine($"- **Seed:** the export benchmark's full export: {manifest.Tables.Count} tables, {rows:N0} rows, {bytes / 1e6:0.0} MB of CSV " +
                      $"(database of {schema.TotalRows:N0} rows, see Export).");
        sb.AppendLine("- **Baseline:** one transaction with `TRUNCATE` of all tables and `COPY ... FROM STDIN (FORMAT csv, HEADER)` of each CSV " +
                      "file into copies of the tables made with `LIKE ... INCLUDING ALL` (primary keys, unique constraints, indexes and " +
                      "defaults kept; no FKs), on one connection.");
        sb.AppendLine("- **PgSeed:** `SeedImporter.ImportAsync` (what `pgseed import` runs) into the real tables with every FK: checksum and " +
                      "header checks, one transaction, FK handling, sequence fix-up. `--truncate` runs first in each round; `--upsert` then " +
                      "loads the same seed over it, so every key already exists (the refresh case: the importer must match every row). `VACUUM ANALYZE` and " +
                      "`CHECKPOINT` run untimed between contenders.");
        sb.AppendLine();
        if (importUnavailable is not null)
        {
            sb.AppendLine($"**PgSeed import was not available in this build** (`{importUnavailable}`); only the baseline was measured: " +
                          $"{m.MedianSeconds(Baseline):0.000} s median ({m.Spread(Baseline)} s). Re-run `-- import` once the importer is merged.");
            return sb.ToString();
        }
        sb.AppendLine("| contender | median s | spread s | ratio to COPY FROM | goal |");
        sb.AppendLine("|---|---:|---:|---:|---|");
        sb.AppendLine($"| {Baseline} | {m.MedianSeconds(Baseline):0.000} | {m.Spread(Baseline)} | 1.00 | |");
        foreach (var (name, goal) in new[] { (Truncate, 1.3), (Upsert, 2.5) })
        {
            var ratio = m.MedianRatio(name, Baseline);
            sb.AppendLine($"| {name} | {m.MedianSeconds(name):0.000} | {m.Spread(name)} | {ratio:0.00} | ≤ {goal:0.0}: **{(ratio <= goal ? "met" : "missed")}** |");
        }
        sb.AppendLine();
        sb.AppendLine($"Row counts after every PgSeed import equal the manifest's: {(countsMatch ? "yes" : "**no**")}.");
        return sb.ToString();
    }
}
