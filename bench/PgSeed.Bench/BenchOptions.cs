using System.Globalization;

namespace PgSeed.Bench;

/// <summary>Options shared by the export and import benchmarks.</summary>
internal sealed record BenchOptions
{
    /// <summary>Measured rounds (after one warm-up round).</summary>
    public int Reps { get; init; } = 5;

    /// <summary>Size of the generated database relative to the documented 2.6 M rows.</summary>
    public double Scale { get; init; } = 1.0;

    /// <summary>Update docs/benchmarks.md with the results.</summary>
    public bool WriteDocs { get; init; } = true;

    /// <summary>Log server statements slower than this (ms) and print them at the end: where the time goes.</summary>
    public int? LogSlowMilliseconds { get; init; }

    /// <summary>Export benchmark: run only this case (<c>subset</c>, <c>full</c> or <c>small</c>).</summary>
    public string? Case { get; init; }

    /// <summary>Export and import benchmarks: <c>ordered</c>, <c>shuffled</c> or <c>both</c> (default) database shapes.</summary>
    public string? Shape { get; init; }

    /// <summary>
    /// Export benchmark: also measure PgSeed --parallel 1 with these server settings for its sessions
    /// (libpq style, e.g. <c>-c work_mem=64MB -c temp_buffers=256MB</c>) to see whether they would help.
    /// </summary>
    public string? TrySessionOptions { get; init; }

    /// <summary>Where the seed folders and baseline files go (deleted afterwards).</summary>
    public string WorkDirectory { get; init; } = Path.Combine(Path.GetTempPath(), $"pgseed-bench-{Environment.ProcessId}");

    /// <summary>The options as given, for the record in docs/benchmarks.md.</summary>
    public string CommandLine { get; init; } = "";

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions { CommandLine = string.Join(' ', args.Select(a => a.Contains(' ') ? $"\"{a}\"" : a)) };
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--reps" => options with { Reps = Math.Max(1, int.Parse(Value(), CultureInfo.InvariantCulture)) },
                "--scale" => options with { Scale = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--log-slow" => options with { LogSlowMilliseconds = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--case" => options with { Case = Value() },
                "--shape" => options with { Shape = Value() },
                "--try-options" => options with { TrySessionOptions = Value() },
                "--no-docs" => options with { WriteDocs = false },
                "--work" => options with { WorkDirectory = Path.GetFullPath(Value()) },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }
        return options;
    }
}
