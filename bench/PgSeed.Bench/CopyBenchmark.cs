using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;
using PgSeed.Engine.Copy;
using PgSeed.Engine.Export;
using PgSeed.Engine.Import;
using PgSeed.Testing.Servers;

namespace PgSeed.Bench;

/// <summary>
/// Issue 15: <c>pgseed copy</c> of the whole export benchmark database (<c>--table '*'</c>: every table complete) into an
/// empty database of the same schema, against <c>pg_dump --data-only --disable-triggers | psql --single-transaction</c> of
/// the same tables in the same run (the goal: at most 1.0×). PgSeed's copy is one transaction that drops and re-adds
/// (validates) the FKs and moves the sequences; pg_dump's turns the FK triggers off and validates nothing. The full
/// export's selection (root <c>account</c>) is measured too. Each contender loads into a fresh copy of an empty template.
/// </summary>
internal static class CopyBenchmark
{
    private const string Baseline = "pg_dump -a --disable-triggers | psql -1";

    public static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var schema = new BenchSchema(options.Scale);
        Console.WriteLine($"Copy benchmark: {schema.TotalRows:N0} rows, {options.Reps} measured rounds + 1 warm-up.");
        await using var server = await LocalPostgresServer.StartAsync(cancellationToken);
        await server.CreateDatabaseAsync("bench", cancellationToken: cancellationToken);
        await server.CreateDatabaseAsync("bench_empty", cancellationToken: cancellationToken);
        var source = BenchConnections.For(server, "bench");
        var machine = await MachineInfo.DescribeAsync(source, cancellationToken);
        await schema.CreateAsync(source, Console.WriteLine, cancellationToken);
        await schema.CreateEmptyAsync(BenchConnections.For(server, "bench_empty"), cancellationToken);
        NpgsqlConnection.ClearAllPools(); // a template must have no session

        var contenders = new List<(string Name, Func<string, Task> Run)>
        {
            (Baseline, target => PgDumpPsqlAsync(server, target, cancellationToken)),
            ("PgSeed copy --table '*' --parallel 1", target => CopyAsync(source, server, target, "*", 1, cancellationToken)),
            ("PgSeed copy --table '*' --parallel 2", target => CopyAsync(source, server, target, "*", 2, cancellationToken)),
            ("PgSeed copy --table account (full export's selection)", target => CopyAsync(source, server, target, BenchSchema.RootTable, 2, cancellationToken)),
        };
        var measurement = new Measurement();
        var complete = true;
        for (var round = 0; round <= options.Reps; round++)
            for (var i = 0; i < contenders.Count; i++)
            {
                var (name, run) = contenders[(i + round) % contenders.Count];
                var target = $"copy_{round}_{i}";
                await server.CreateDatabaseAsync(target, "bench_empty", cancellationToken);
                var elapsed = await measurement.TimeAsync(name, () => run(target), round > 0);
                var rows = await RowsAsync(BenchConnections.For(server, target), cancellationToken);
                complete &= rows == schema.TotalRows;
                Console.WriteLine($"   round {round} {name,-52} {elapsed.TotalSeconds,7:0.000} s  {rows:N0} rows");
                await server.DropDatabaseAsync(target, cancellationToken);
            }

        var sb = new StringBuilder();
        sb.AppendLine($"_Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC with `dotnet run -c Release --project bench/PgSeed.Bench -- copy {options.CommandLine}`._".Replace(" `._", "`._"));
        sb.AppendLine();
        sb.AppendLine($"- **Machine:** {machine}.");
        sb.AppendLine($"- **Database:** the export benchmark's, {schema.TotalRows:N0} rows in 12 tables, copied into an empty database with the same tables, keys, FKs and indexes (a fresh clone of an empty template per contender and round).");
        sb.AppendLine($"- **Baseline:** `{Baseline}` of every table: pg_dump's COPY text streamed into psql in one transaction, FK triggers off, nothing validated.");
        sb.AppendLine("- **PgSeed:** `DatabaseCopier.CopyAsync` (what `pgseed copy` runs): one snapshot, CSV COPY streamed into the target's COPY in one transaction, FKs dropped and re-added (validated), the empty target tables' secondary indexes built once after their load (as an import does; the baseline maintains them row by row), sequences moved. Every target ends with every row.");
        sb.AppendLine();
        sb.AppendLine("| contender | median s | spread s | ratio to the baseline | goal |");
        sb.AppendLine("|---|---:|---:|---:|---|");
        foreach (var (name, _) in contenders)
        {
            var ratio = name == Baseline ? 1.0 : measurement.MedianRatio(name, Baseline);
            var goal = name.Contains("'*' --parallel", StringComparison.Ordinal) ? (ratio <= 1.0 ? "≤ 1.0: **met**" : "≤ 1.0: **missed**") : "";
            sb.AppendLine($"| {(name == Baseline ? $"`{Baseline}`".Replace("|", "\\|") : name)} | {measurement.MedianSeconds(name):0.000} | {measurement.Spread(name)} | {ratio.ToString("0.00", CultureInfo.InvariantCulture)} | {goal} |");
        }
        sb.AppendLine();
        sb.AppendLine($"Every target held all {schema.TotalRows:N0} rows afterwards: {(complete ? "yes" : "**no**")}.");
        var report = sb.ToString();
        Console.WriteLine();
        Console.WriteLine(report);
        if (options.WriteDocs)
        {
            var path = Path.Combine(BenchmarksDocument.FindRepositoryRoot(), "docs", "benchmarks.md");
            BenchmarksDocument.UpdateSection(path, "Copy", report);
            Console.WriteLine($"Updated {path}");
        }
        return 0;
    }

    private static Task<CopyReport> CopyAsync(string source, LocalPostgresServer server, string target, string table, int parallel, CancellationToken cancellationToken) =>
        DatabaseCopier.CopyAsync(new CopyRequest
        {
            Source = new ExportRequest { ConnectionString = source, Roots = [new RootSelection { Table = table }], OutputDirectory = "" },
            TargetConnectionString = BenchConnections.For(server, target),
            Mode = ImportMode.Append,
            Parallel = parallel,
        }, null, cancellationToken);

    private static async Task PgDumpPsqlAsync(LocalPostgresServer server, string target, CancellationToken cancellationToken)
    {
        var bin = PostgresBinaries.FindBinDirectory();
        var conn = $"host=127.0.0.1 port={server.Port} user=postgres";
        var script = $"set -o pipefail; '{Path.Combine(bin, "pg_dump")}' --data-only --disable-triggers --dbname '{conn} dbname=bench' " +
                     $"| '{Path.Combine(bin, "psql")}' -q -X -v ON_ERROR_STOP=1 --single-transaction -o /dev/null --dbname '{conn} dbname={target}'";
        var psi = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0) throw new InvalidOperationException($"pg_dump | psql failed: {await stderr}");
    }

    private static async Task<long> RowsAsync(string cs, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(cs) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return await CopyBaseline.ScalarAsync<long>(connection, """
            SELECT (SELECT count(*) FROM region) + (SELECT count(*) FROM country) + (SELECT count(*) FROM category) + (SELECT count(*) FROM supplier)
                 + (SELECT count(*) FROM product) + (SELECT count(*) FROM account) + (SELECT count(*) FROM account_user) + (SELECT count(*) FROM address)
                 + (SELECT count(*) FROM orders) + (SELECT count(*) FROM order_item) + (SELECT count(*) FROM payment) + (SELECT count(*) FROM review)
            """, cancellationToken);
    }
}
