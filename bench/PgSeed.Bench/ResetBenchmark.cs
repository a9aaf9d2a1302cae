using System.Diagnostics;
using System.Globalization;
using Npgsql;
using PgSeed.Testing;
using PgSeed.Testing.Servers;

namespace PgSeed.Bench;

/// <summary>
/// <c>reset</c> mode: time <see cref="PgSeedFixture.ResetAsync"/> for each strategy on the same 100k-row database,
/// in one run, after a test that updates 50 rows of the hub table and inserts 10 child rows; plus a read-only
/// test, the fixture's cold start (own server + schema + 10k-row seed) and the capture triggers' write overhead.
/// Options: <c>--reps N</c> (default 40).
/// </summary>
internal static class ResetBenchmark
{
    private sealed class BenchDatabase(ResetStrategy strategy, double scale, bool ownServer = false) : PgSeedFixture
    {
        protected override void Configure(PgSeedOptions options)
        {
            options.Schema(scale >= 1 ? BuildFullAsync : BuildSmallAsync).ResetStrategy(strategy).Log(m => Console.Error.WriteLine("# " + m));
            if (ownServer) options.Server(async ct => await LocalPostgresServer.StartAsync(ct));
        }

        private static Task BuildFullAsync(string cs, CancellationToken ct) => ResetBenchSchema.ApplyAsync(cs, 1, ct);
        private static Task BuildSmallAsync(string cs, CancellationToken ct) => ResetBenchSchema.ApplyAsync(cs, 0.1, ct);
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var reps = 40;
        for (var i = 0; i < args.Length - 1; i++)
            if (args[i] == "--reps") reps = int.Parse(args[i + 1], CultureInfo.InvariantCulture);

        var results = new Dictionary<string, (double Median, double P90)>();
        foreach (var strategy in new[] { ResetStrategy.ChangeCapture, ResetStrategy.CloneFromTemplate, ResetStrategy.TruncateAndReload })
        {
            await using var db = new BenchDatabase(strategy, 1);
            var setup = Stopwatch.StartNew();
            await db.InitializeAsync();
            Console.Error.WriteLine($"# {strategy}: template + clone ready in {setup.ElapsedMilliseconds} ms");
            await db.ResetAsync();

            var writing = await TimeResetsAsync(db, reps, WritingTestAsync);
            results[strategy.ToString()] = writing;
            Print($"reset {strategy}", writing);

            var readOnly = await TimeResetsAsync(db, reps, ReadOnlyTestAsync);
            results[strategy + " read-only"] = readOnly;
            Print($"reset {strategy} read-only", readOnly);

            if (strategy == ResetStrategy.ChangeCapture) await TriggerOverheadAsync(db);
        }

        var cc = results["ChangeCapture"].Median;
        Console.WriteLine(FormattableString.Invariant(
            $"reset ratio truncate_and_reload_vs_change_capture={results["TruncateAndReload"].Median / cc:0}x clone_from_template_vs_change_capture={results["CloneFromTemplate"].Median / cc:0.0}x"));

        await ColdStartAsync();
        return 0;
    }

    /// <summary>The benchmark's test: update 50 rows of the hub table, insert 10 rows into a child.</summary>
    private static async Task WritingTestAsync(PgSeedFixture db, int rep)
    {
        await using var c = await db.OpenConnectionAsync();
        var first = 1 + rep * 97 % 9_000;
        await using var cmd = new NpgsqlCommand($"""
            UPDATE customer SET name = name || ' (edited)', email = 'edited' || id || '@example.com' WHERE id BETWEEN {first} AND {first + 49};
            INSERT INTO orders (customer_id, status) SELECT {first} + g, 'bench' FROM generate_series(0, 9) g;
            """, c);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task ReadOnlyTestAsync(PgSeedFixture db, int rep)
    {
        await using var c = await db.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM orders WHERE customer_id = $1", c) { Parameters = { new() { Value = 1 + rep } } };
        await cmd.ExecuteScalarAsync();
    }

    private static async Task<(double Median, double P90)> TimeResetsAsync(PgSeedFixture db, int reps, Func<PgSeedFixture, int, Task> test)
    {
        var times = new List<double>();
        for (var rep = 0; rep < reps + 3; rep++)
        {
            await test(db, rep);
            var sw = Stopwatch.StartNew();
            await db.ResetAsync();
            if (rep >= 3) times.Add(sw.Elapsed.TotalMilliseconds); // 3 warm-up reps
        }
        times.Sort();
        return (Percentile(times, 0.5), Percentile(times, 0.9));
    }

    private static double Percentile(List<double> sorted, double p)
    {
        var rank = p * (sorted.Count - 1);
        var lo = (int)Math.Floor(rank);
        var hi = (int)Math.Ceiling(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    private static void Print(string label, (double Median, double P90) r) =>
        Console.WriteLine(FormattableString.Invariant($"{label} median_ms={r.Median:0.000} p90_ms={r.P90:0.000}"));

    /// <summary>
    /// What the capture triggers add to a test's own writes: the same statements against the change-capture
    /// database and against a clone of a template without triggers, interleaved round by round (the machine is
    /// shared, so medians of alternating rounds, not sums).
    /// </summary>
    private static async Task TriggerOverheadAsync(PgSeedFixture captured)
    {
        await using var plain = new BenchDatabase(ResetStrategy.CloneFromTemplate, 1);
        await plain.InitializeAsync();
        const int bulkRows = 5_000, singles = 200, rounds = 9;
        var bulk = new[] { new List<double>(), new List<double>() };
        var single = new[] { new List<double>(), new List<double>() };
        for (var round = 0; round < rounds + 1; round++)
        {
            var order = round % 2 == 0 ? new[] { 0, 1 } : new[] { 1, 0 };
            foreach (var i in order)
            {
                var db = i == 0 ? captured : plain;
                await using var c = await db.OpenConnectionAsync();
                var sw = Stopwatch.StartNew();
                await new NpgsqlCommand($"INSERT INTO orders (customer_id) SELECT 1 + g % 10000 FROM generate_series(1, {bulkRows}) g; " +
                                        $"UPDATE orders SET status = 'x' WHERE id > 20000", c).ExecuteNonQueryAsync();
                var bulkMs = sw.Elapsed.TotalMilliseconds;
                await using var cmd = new NpgsqlCommand("UPDATE customer SET name = name || '.' WHERE id = $1", c) { Parameters = { new() { Value = 1 } } };
                await cmd.PrepareAsync();
                sw.Restart();
                for (var k = 0; k < singles; k++)
                {
                    cmd.Parameters[0].Value = 1 + k;
                    await cmd.ExecuteNonQueryAsync();
                }
                var singleMs = sw.Elapsed.TotalMilliseconds;
                if (round > 0) { bulk[i].Add(bulkMs); single[i].Add(singleMs); } // round 0 warms up
                await db.ResetAsync();
            }
        }
        foreach (var l in bulk.Concat(single)) l.Sort();
        double Med(List<double> l) => Percentile(l, 0.5);
        // bulk: 5k inserted + 5k updated rows per round; singles: one-row UPDATE statements in autocommit.
        var perRowUs = (Med(bulk[0]) - Med(bulk[1])) * 1000 / (2 * bulkRows);
        var perStatementUs = (Med(single[0]) - Med(single[1])) * 1000 / singles;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"reset trigger-overhead bulk_per_row_us={perRowUs:0.00} single_row_statement_us={perStatementUs:0.0} (median of {rounds} rounds: bulk {Med(bulk[0]):0.0} vs {Med(bulk[1]):0.0} ms for {2 * bulkRows} rows; {singles} single-row updates {Med(single[0]):0.0} vs {Med(single[1]):0.0} ms)"));
    }

    /// <summary>A fixture from nothing: its own new server, schema, 10k-row seed, template, clone.</summary>
    private static async Task ColdStartAsync()
    {
        var times = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var sw = Stopwatch.StartNew();
            await using var db = new BenchDatabase(ResetStrategy.ChangeCapture, 0.1, ownServer: true);
            await db.InitializeAsync();
            await db.ResetAsync();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        Console.WriteLine(FormattableString.Invariant($"reset cold-start median_ms={Percentile(times, 0.5):0} max_ms={times[^1]:0} (server + schema + 10k-row seed + template + clone)"));
    }
}
