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
    private sealed class BenchDatabase(ResetStrategy strategy, double scale, bool ownServer = false, Action<string>? log = null,
        string? seedFolder = null) : PgSeedFixture
    {
        protected override void Configure(PgSeedOptions options)
        {
            if (seedFolder is not null) options.Schema(BuildSchemaOnlyAsync).Seed(seedFolder, PgSeed.Engine.Import.ImportMode.Append);
            else options.Schema(scale >= 1 ? BuildFullAsync : BuildSmallAsync);
            // One shared database reset between "tests": what this benchmark times (leases reset the same way, per clone).
            options.ResetStrategy(strategy).SingleDatabase().Log(log ?? (m => Console.Error.WriteLine("# " + m)));
            if (ownServer) options.Server(async ct => await LocalPostgresServer.StartAsync(ct));
        }

        private static Task BuildFullAsync(string cs, CancellationToken ct) => ResetBenchSchema.ApplyAsync(cs, 1, ct);
        private static Task BuildSmallAsync(string cs, CancellationToken ct) => ResetBenchSchema.ApplyAsync(cs, 0.1, ct);
        private static Task BuildSchemaOnlyAsync(string cs, CancellationToken ct) => ResetBenchSchema.ApplyAsync(cs, 0, ct);
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var reps = 40;
        for (var i = 0; i < args.Length - 1; i++)
            if (args[i] == "--reps") reps = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
        if (args.Contains("--cold-only"))
        {
            await ColdStartAsync();
            return 0;
        }
        var started = DateTime.UtcNow;
        var load = MachineInfo.LoadAverage();
        string machine;
        string overhead;
        var results = new Dictionary<string, (double Median, double P90)>();
        var speedUps = new Dictionary<string, double>();
        var strategies = new[] { ResetStrategy.ChangeCapture, ResetStrategy.CloneFromTemplate, ResetStrategy.TruncateAndReload };
        var dbs = new List<BenchDatabase>();
        var sameState = new List<string>();
        try
        {
            var contenders = new List<(string Name, PgSeedFixture Db, Func<Task> Reset)>();
            foreach (var strategy in strategies)
            {
                var db = new BenchDatabase(strategy, 1);
                dbs.Add(db);
                await db.InitializeAsync();
                await db.ResetAsync();
                contenders.Add((strategy.ToString(), db, () => db.ResetAsync()));
            }
            // The real Respawn on its own clone of the same seeded database (a clone-strategy fixture whose ResetAsync
            // is never called: Respawn resets it).
            var respawnDb = new BenchDatabase(ResetStrategy.CloneFromTemplate, 1);
            dbs.Add(respawnDb);
            await respawnDb.InitializeAsync();
            var seededState = await StateDigest.OfAsync(respawnDb.ConnectionString);
            var respawn = new RespawnReset(respawnDb.ConnectionString, ResetBenchSchema.Data(1));
            await respawn.InitializeAsync();
            contenders.Add((Respawn, respawnDb, respawn.ResetAsync));
            machine = await MachineInfo.DescribeAsync(dbs[0].Server.AdminConnectionString, CancellationToken.None);

            // Round-robin: every repetition times each contender once, so load swings on the shared machine hit all of them
            // alike; the ratios are medians of per-repetition ratios.
            var ratios = contenders.Select(_ => new List<double>()).ToArray();
            var respawnWipe = new List<double>();
            foreach (var (test, label) in new (Func<PgSeedFixture, int, Task>, string)[] { (WritingTestAsync, ""), (ReadOnlyTestAsync, " read-only") })
            {
                var times = contenders.Select(_ => new List<double>()).ToArray();
                for (var rep = 0; rep < reps + 3; rep++)
                {
                    var round = new double[contenders.Count];
                    for (var k = 0; k < contenders.Count; k++)
                    {
                        await test(contenders[k].Db, rep);
                        var sw = Stopwatch.StartNew();
                        await contenders[k].Reset();
                        round[k] = sw.Elapsed.TotalMilliseconds;
                        // Every contender must really be back at the seeded state (checked once, after the first test).
                        if (rep == 0 && label.Length == 0 && await StateDigest.OfAsync(contenders[k].Db.ConnectionString) != seededState)
                            sameState.Add(contenders[k].Name);
                    }
                    if (rep < 3) continue; // warm-up
                    for (var k = 0; k < contenders.Count; k++) times[k].Add(round[k]);
                    if (label.Length == 0)
                    {
                        for (var k = 1; k < contenders.Count; k++) ratios[k].Add(round[k] / round[0]);
                        respawnWipe.Add(respawn.LastWipeMilliseconds);
                    }
                }
                for (var k = 0; k < contenders.Count; k++)
                {
                    times[k].Sort();
                    results[contenders[k].Name + label] = (Percentile(times[k], 0.5), Percentile(times[k], 0.9));
                    Print($"reset {contenders[k].Name}{label}", results[contenders[k].Name + label]);
                }
            }
            for (var k = 1; k < contenders.Count; k++)
            {
                ratios[k].Sort();
                speedUps[contenders[k].Name] = Percentile(ratios[k], 0.5);
            }
            respawnWipe.Sort();
            results[RespawnWipe] = (Percentile(respawnWipe, 0.5), Percentile(respawnWipe, 0.9));
            Print("reset Respawn ResetAsync alone (to empty)", results[RespawnWipe]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"reset ratio respawn_vs_change_capture={speedUps[Respawn]:0}x truncate_and_reload_vs_change_capture={speedUps["TruncateAndReload"]:0}x " +
                $"clone_from_template_vs_change_capture={speedUps["CloneFromTemplate"]:0.0}x"));
            if (sameState.Count > 0) Console.WriteLine($"reset WARNING: not back at the seeded state after a reset: {string.Join(", ", sameState)}");

            overhead = await TriggerOverheadAsync(dbs[0]);
            var reimport = await TimeReimportAsync(dbs[2], Math.Min(reps, 10));
            results["TruncateAndReimport"] = reimport;
            Print("reset TRUNCATE+pgseed-import", reimport);
        }
        finally
        {
            foreach (var db in dbs) await db.DisposeAsync();
        }

        var (coldMedian, coldMax, coldPhases) = await ColdStartAsync();

        if (!args.Contains("--no-docs"))
        {
            var doc = Path.Combine(BenchmarksDocument.FindRepositoryRoot(), "docs", "benchmarks.md");
            BenchmarksDocument.UpdateSection(doc, "Reset", Document(started, reps, machine, load, results, speedUps, sameState, overhead, coldMedian, coldMax, coldPhases));
            Console.Error.WriteLine($"# updated {doc}");
        }
        return 0;
    }

    private const string Respawn = "Respawn";
    private const string RespawnWipe = "Respawn wipe only";

    private static string Document(DateTime started, int reps, string machine, string load, Dictionary<string, (double Median, double P90)> r,
        Dictionary<string, double> speedUps, List<string> notSeeded, string overhead, double coldMedian, double coldMax, string coldPhases)
    {
        double vsReload = speedUps["TruncateAndReload"], vsClone = speedUps["CloneFromTemplate"], vsRespawn = speedUps[Respawn];
        string Row(string strategy, string test, string goal = "")
        {
            var (median, p90) = r[test == "read-only" ? strategy + " read-only" : strategy];
            var label = strategy switch
            {
                Respawn => "**Respawn 7.0.0**: `ResetAsync()` + seed script",
                RespawnWipe => "Respawn 7.0.0 `ResetAsync()` alone (to empty, no seed)",
                _ => strategy,
            };
            return string.Create(CultureInfo.InvariantCulture, $"| {label} | {test} | {median:0.000} | {p90:0.000} | {goal} |");
        }
        var cc = r["ChangeCapture"].Median;
        string Goal(bool met) => met ? "met" : "**missed**";
        return string.Create(CultureInfo.InvariantCulture, $"""
            _Measured {started:yyyy-MM-dd HH:mm} UTC with `-- reset --reps {reps}`._

            - **Machine:** {machine}; load average when the reset benchmark started {load}.
            - **Database:** 10 tables, 100,000 rows (bench/PgSeed.Bench/ResetBenchSchema.cs): `customer` is the hub (referenced by
              `address`, `orders`, `review` and by itself through `referred_by`), `category` references itself, `team` ↔ `agent`
              is a two-table FK cycle. Built once into a template per strategy; each strategy resets its own clone.
            - **The test:** updates 50 rows of `customer` (name and the unique `email`) and inserts 10 `orders` rows (one
              statement each), then `ResetAsync()` is timed; the read-only test runs one `SELECT`. {reps} timed repetitions
              after 3 warm-ups, round-robin over the strategies (each repetition times every strategy once, on the same
              server); the speed-ups are medians of the per-repetition ratios.
            - **Contenders:** `ChangeCapture` (statement-level capture triggers, one server-side `pgseed_capture.reset()` call),
              `CloneFromTemplate` (`DROP DATABASE ... WITH (FORCE)` + `CREATE DATABASE ... TEMPLATE`), `TruncateAndReload`
              (the hand-written Respawn-like baseline: one `TRUNCATE` of all tables, re-insert from the in-database seed copy
              with FK checks off, `setval` the sequences), and **the real Respawn 7.0.0** (bench/PgSeed.Bench/RespawnReset.cs):
              `Respawner.CreateAsync` once (`DbAdapter.Postgres`, schema `public`, `WithReseed = true` so serial columns
              restart), then per test `ResetAsync()` (Respawn's one `TRUNCATE ... CASCADE` of every table, the cycle's
              triggers disabled around it, `ALTER SEQUENCE ... RESTART`) followed by the seed script that built the seed
              (the `INSERT ... SELECT generate_series` statements of ResetBenchSchema.cs: server-side, the cheapest re-insert
              a Respawn user can write, FK checks on). Every contender is checked once to be back at exactly the seeded rows
              and sequence values after a reset: {(notSeeded.Count == 0 ? "all were" : "**not** " + string.Join(", ", notSeeded))}.
              For reference, `TruncateAndReimport` is `SeedImporter.ImportAsync` in `Truncate` mode from the seed folder
              exported from the same database (one `TRUNCATE`, `COPY` of every CSV, FK checks, sequences) — not a fixture
              strategy.

            | contender | test | median ms | p90 ms | goal |
            |---|---|---:|---:|---|
            {Row("ChangeCapture", "50 updates + 10 inserts", $"≤ 5 ms: {Goal(cc <= 5)}")}
            {Row("ChangeCapture", "read-only", "well under 1 ms: " + Goal(r["ChangeCapture read-only"].Median < 1))}
            {Row(Respawn, "50 updates + 10 inserts", $"**change capture {vsRespawn:0}× faster** (≥ 100×: {Goal(vsRespawn >= 100)})")}
            {Row(Respawn, "read-only")}
            {Row(RespawnWipe, "50 updates + 10 inserts", "part of the Respawn line above")}
            {Row("CloneFromTemplate", "50 updates + 10 inserts", $"change capture {vsClone:0.0}× faster (≥ 10×: {Goal(vsClone >= 10)})")}
            {Row("CloneFromTemplate", "read-only")}
            {Row("TruncateAndReload", "50 updates + 10 inserts", $"change capture {vsReload:0}× faster (hand-written Respawn-like baseline)")}
            {Row("TruncateAndReload", "read-only")}
            {Row("TruncateAndReimport", "50 updates + 10 inserts", $"reference, {Math.Min(reps, 10)} reps after the others: {r["TruncateAndReimport"].Median / cc:0}× the change-capture median")}

            - **Capture trigger overhead on the test's own writes** (same statements against the change-capture clone and a
              trigger-less clone, interleaved): {overhead}.
            - **Cold start** (a new fixture from nothing: its own new local server, the schema, the 10k-row seed folder imported
              with the engine, template with the change-capture objects, clone, first reset; median of 3): {coldMedian:0} ms, max {coldMax:0} ms; goal ≤ 1.5 s: {Goal(coldMedian <= 1500)}.
              Phases of the median run: {coldPhases}.
            """);
    }

    /// <summary>
    /// Reference: the seed exported to a folder once, then per reset the engine's
    /// import in Truncate mode (one TRUNCATE of the seed tables, COPY of every CSV, FK checks, sequences).
    /// </summary>
    private static async Task<(double Median, double P90)> TimeReimportAsync(PgSeedFixture db, int reps)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"pgseed-reset-bench-{Guid.NewGuid():N}");
        try
        {
            await ExportAllAsync(db, folder);
            var times = new List<double>();
            for (var rep = 0; rep < reps + 1; rep++)
            {
                await WritingTestAsync(db, rep);
                var sw = Stopwatch.StartNew();
                await PgSeed.Engine.Import.SeedImporter.ImportAsync(new PgSeed.Engine.Import.ImportRequest
                {
                    ConnectionString = db.ConnectionString,
                    SeedDirectory = folder,
                    Mode = PgSeed.Engine.Import.ImportMode.Truncate,
                });
                if (rep > 0) times.Add(sw.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            return (Percentile(times, 0.5), Percentile(times, 0.9));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task ExportAllAsync(PgSeedFixture db, string folder)
    {
        var tables = new List<string>();
        await using (var c = await db.OpenConnectionAsync())
        await using (var cmd = new NpgsqlCommand("SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace", c))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) tables.Add("public." + r.GetString(0));
        await PgSeed.Engine.Export.SeedExporter.ExportAsync(new PgSeed.Engine.Export.ExportRequest
        {
            ConnectionString = db.ConnectionString,
            Roots = tables.Select(t => new PgSeed.Engine.Export.RootSelection { Table = t }).ToList(),
            OutputDirectory = folder,
        });
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
    private static async Task<string> TriggerOverheadAsync(PgSeedFixture captured)
    {
        await using var plain = new BenchDatabase(ResetStrategy.CloneFromTemplate, 1);
        await plain.InitializeAsync();
        const int bulkRows = 5_000, singles = 500, rounds = 9;
        var bulk = new[] { new List<double>(), new List<double>() };
        var single = new[] { new List<double>(), new List<double>() };
        for (var round = 0; round < rounds + 1; round++)
        {
            var order = round % 2 == 0 ? new[] { 0, 1 } : new[] { 1, 0 };
            foreach (var i in order)
            {
                var db = i == 0 ? captured : plain;
                // Inside a transaction that is rolled back: both databases stay as seeded, so no reset (a re-clone would
                // leave the trigger-less database with cold caches) distorts the next round.
                await using var c = await db.OpenConnectionAsync();
                await using var tx = await c.BeginTransactionAsync();
                var sw = Stopwatch.StartNew();
                await new NpgsqlCommand($"INSERT INTO orders (customer_id) SELECT 1 + g % 10000 FROM generate_series(1, {bulkRows}) g; " +
                                        $"UPDATE orders SET status = 'x' WHERE id > 20000", c, tx).ExecuteNonQueryAsync();
                var bulkMs = sw.Elapsed.TotalMilliseconds;
                await using var cmd = new NpgsqlCommand("UPDATE customer SET name = name || '.' WHERE id = $1", c, tx) { Parameters = { new() { Value = 1 } } };
                await cmd.PrepareAsync();
                sw.Restart();
                for (var k = 0; k < singles; k++)
                {
                    cmd.Parameters[0].Value = 1 + k;
                    await cmd.ExecuteNonQueryAsync();
                }
                var singleMs = sw.Elapsed.TotalMilliseconds;
                if (round > 0) { bulk[i].Add(bulkMs); single[i].Add(singleMs); } // round 0 warms up
                await tx.RollbackAsync();
            }
        }
        foreach (var l in bulk.Concat(single)) l.Sort();
        double Med(List<double> l) => Percentile(l, 0.5);
        // bulk: 5k inserted + 5k updated rows per round; singles: one-row UPDATE statements.
        var perRowUs = (Med(bulk[0]) - Med(bulk[1])) * 1000 / (2 * bulkRows);
        var perStatementUs = (Med(single[0]) - Med(single[1])) * 1000 / singles;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"reset trigger-overhead bulk_per_row_us={perRowUs:0.00} single_row_statement_us={perStatementUs:0.0}"));
        // On a shared machine a difference smaller than the run-to-run noise can come out negative: say so.
        string Us(double us, string format) => us > 0 ? us.ToString(format, CultureInfo.InvariantCulture) + " µs" : "no measurable cost";
        return string.Create(CultureInfo.InvariantCulture,
            $"{Us(perRowUs, "0.00")} per row for set-based writes ({bulkRows:N0}-row INSERT ... SELECT + {bulkRows:N0}-row UPDATE: {Med(bulk[0]):0.0} vs {Med(bulk[1]):0.0} ms, medians of {rounds} rounds), {Us(perStatementUs, "0")} per single-row UPDATE statement ({singles} statements: {Med(single[0]):0.0} vs {Med(single[1]):0.0} ms)");
    }

    /// <summary>A fixture from nothing: its own new server, schema, 10k-row seed, template, clone.</summary>
    private static async Task<(double Median, double Max, string Phases)> ColdStartAsync()
    {
        // The 10k-row seed as a seed folder, exported once (untimed) from a generated database.
        var folder = Path.Combine(Path.GetTempPath(), $"pgseed-cold-seed-{Guid.NewGuid():N}");
        await using (var source = new BenchDatabase(ResetStrategy.CloneFromTemplate, 0.1, log: _ => { }))
        {
            await source.InitializeAsync();
            await ExportAllAsync(source, folder);
        }
        var runs = new List<(double Ms, string Phases)>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var lines = new List<string>();
                var sw = Stopwatch.StartNew();
                await using var db = new BenchDatabase(ResetStrategy.ChangeCapture, 0.1, ownServer: true, log: lines.Add, seedFolder: folder);
                await db.InitializeAsync();
                await db.ResetAsync();
                runs.Add((sw.Elapsed.TotalMilliseconds, string.Join(" ", lines.Select(l => l.Replace("PgSeed: ", "")))));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        runs.Sort((a, b) => a.Ms.CompareTo(b.Ms));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"reset cold-start median_ms={runs[1].Ms:0} max_ms={runs[^1].Ms:0} (server + schema + 10k-row seed import + template + clone)"));
        Console.Error.WriteLine("# " + runs[1].Phases);
        return (runs[1].Ms, runs[^1].Ms, runs[1].Phases);
    }
}
