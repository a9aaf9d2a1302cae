using PgSeed.Bench;

// PgSeed end-to-end benchmarks. Usage: PgSeed.Bench export|import|reset|parallel|suite|profile|memory [options] (see docs/benchmarks.md).
var mode = args.Length > 0 ? args[0] : "";
var rest = args.Skip(1).ToArray();
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };

try
{
    switch (mode)
    {
        case "export":
            return await ExportBenchmark.RunAsync(BenchOptions.Parse(rest), cancel.Token);
        case "import":
            return await ImportBenchmark.RunAsync(BenchOptions.Parse(rest), cancel.Token);
        case "closure":
            return await ClosureModesBenchmark.RunAsync(BenchOptions.Parse(rest), cancel.Token);
        case "copy":
            return await CopyBenchmark.RunAsync(BenchOptions.Parse(rest), cancel.Token);
        case "reset":
            return await ResetBenchmark.RunAsync(rest);
        case "parallel":
            return await ParallelLeaseBenchmark.RunAsync(rest, cancel.Token);
        case "profile":
            return await ProfileBenchmark.RunAsync(rest, cancel.Token);
        case "memory":
            return await MemoryBenchmark.RunAsync(rest, cancel.Token);
        case "suite":
            return await PgSeed.Bench.Suite.SuiteBenchmark.RunAsync(rest, cancel.Token);
        case "create-db":
            // Builds the export benchmark's database into a server of your own (for profiling single statements).
            if (rest.Length < 1) throw new ArgumentException("create-db needs a connection string (and optionally a scale)");
            if (rest.Length > 2 && rest[2] == "small")
            {
                // The small-seed case's schema (ResetBenchSchema; 0.004 is the scale the small-seed benchmark uses).
                await ResetBenchSchema.ApplyAsync(rest[0], double.Parse(rest[1], System.Globalization.CultureInfo.InvariantCulture), cancel.Token);
                return 0;
            }
            await new BenchSchema(rest.Length > 1 ? double.Parse(rest[1], System.Globalization.CultureInfo.InvariantCulture) : 1.0,
                    rest.Length > 2 && rest[2] == "shuffled" ? BenchShape.Shuffled : BenchShape.Ordered)
                .CreateAsync(rest[0], Console.WriteLine, cancel.Token);
            return 0;
        default:
            Console.Error.WriteLine("usage: PgSeed.Bench export|import|closure|copy|reset|parallel|suite|profile|memory [--size-mb MB]|create-db CS [SCALE [ordered|shuffled|small]] [--reps N] [--scale X] [--case subset|full|small] [--shape ordered|shuffled|both] [--log-slow MS] [--try-options OPTS] [--no-docs] [--work DIR]");
            return 2;
    }
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
