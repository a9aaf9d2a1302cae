using System.Reflection;
using PgSeed.Bench;

// PgSeed end-to-end benchmarks. Usage: PgSeed.Bench export|import|reset [options] (see docs/benchmarks.md).
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
        case "reset":
            return await RunResetAsync(rest);
        default:
            Console.Error.WriteLine("usage: PgSeed.Bench export|import|reset [--reps N] [--scale X] [--case subset|full] [--log-slow MS] [--no-docs] [--work DIR]");
            return 2;
    }
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

// TODO(testing helper): the reset benchmark lives in Reset*.cs as
//   `internal static class ResetBenchmark { public static Task<int> RunAsync(string[] args) }` (namespace PgSeed.Bench).
// It is looked up by name so this project builds before that file exists; once it is here, this can become a direct call.
static async Task<int> RunResetAsync(string[] args)
{
    var method = Type.GetType("PgSeed.Bench.ResetBenchmark")?.GetMethod("RunAsync",
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static, new[] { typeof(string[]) });
    if (method is null)
    {
        Console.Error.WriteLine("The reset benchmark is not in this build yet (ResetBenchmark.RunAsync(string[]) is added with the testing fixtures).");
        return 1;
    }
    return await (Task<int>)method.Invoke(null, new object[] { args })!;
}
