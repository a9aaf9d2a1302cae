// PgSeed benchmarks: `dotnet run -c Release --project bench/PgSeed.Bench -- <mode>`.
// Each mode lives in its own files; this only dispatches.
using PgSeed.Bench;

var mode = args.Length > 0 ? args[0] : "";
switch (mode)
{
    case "reset":
        return await ResetBenchmark.RunAsync(args[1..]);
    default:
        Console.Error.WriteLine("usage: PgSeed.Bench <mode> [options]\nmodes: reset");
        return 2;
}
