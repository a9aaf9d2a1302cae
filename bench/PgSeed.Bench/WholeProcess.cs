using System.Diagnostics;
using System.Globalization;
using PgSeed.Testing.Servers;

namespace PgSeed.Bench;

/// <summary>What one whole process cost: wall time, client CPU (user, system) and peak RSS, and its output lines with the time they arrived.</summary>
internal sealed record ProcessResult(int ExitCode, double WallSeconds, double UserSeconds, double SystemSeconds, long MaxRssKb,
    IReadOnlyList<(double At, string Line)> Lines)
{
    public double CpuSeconds => UserSeconds + SystemSeconds;
    public string Output => string.Join('\n', Lines.Select(l => l.Line));
}

/// <summary>
/// Runs whole processes as a user would (<c>pgseed</c>, <c>psql</c>, <c>pg_dump</c>): start-up included. Under
/// <c>/usr/bin/time</c> when it exists, for the process's own user and system CPU and its peak RSS (what
/// <c>time -v</c> calls "Maximum resident set size").
/// </summary>
internal static class WholeProcess
{
    private const string TimeTool = "/usr/bin/time";

    /// <summary>The <c>pgseed</c> executable built from src/PgSeed.Cli (Release), as <c>dotnet tool install</c> would run it.</summary>
    public static string PgSeed
    {
        get
        {
            var dir = Path.Combine(BenchmarksDocument.FindRepositoryRoot(), "src", "PgSeed.Cli", "bin", "Release");
            var found = Directory.Exists(dir)
                ? Directory.GetDirectories(dir).Select(d => Path.Combine(d, OperatingSystem.IsWindows() ? "pgseed.exe" : "pgseed")).FirstOrDefault(File.Exists)
                : null;
            return found ?? throw new InvalidOperationException("pgseed is not built: run `dotnet build src/PgSeed.Cli -c Release` (dotnet run of the bench builds it too).");
        }
    }

    public static string Psql => Path.Combine(PostgresBinaries.FindBinDirectory(), "psql");
    public static string PgDump => Path.Combine(PostgresBinaries.FindBinDirectory(), "pg_dump");

    /// <summary>A libpq connection string for psql and pg_dump.</summary>
    public static string Libpq(LocalPostgresServer server, string database) => $"host=127.0.0.1 port={server.Port} user=postgres dbname={database}";

    public static async Task<ProcessResult> RunAsync(string file, IEnumerable<string> args, CancellationToken cancellationToken,
        bool mustSucceed = true, IDictionary<string, string?>? environment = null)
    {
        var timed = File.Exists(TimeTool);
        var stats = timed ? Path.Combine(Path.GetTempPath(), $"pgseed-bench-time-{Guid.NewGuid():N}.txt") : null;
        var psi = new ProcessStartInfo(timed ? TimeTool : file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (timed)
            foreach (var a in new[] { "-f", "%e %U %S %M", "-o", stats!, file }) psi.ArgumentList.Add(a);
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (environment is not null)
            foreach (var (k, v) in environment)
                if (v is null) psi.Environment.Remove(k); else psi.Environment[k] = v;
        var lines = new List<(double, string)>();
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(psi)!;
        async Task Pump(StreamReader reader)
        {
            for (var line = await reader.ReadLineAsync(cancellationToken); line is not null; line = await reader.ReadLineAsync(cancellationToken))
                lock (lines) lines.Add((watch.Elapsed.TotalSeconds, line));
        }
        var pumps = Task.WhenAll(Pump(process.StandardOutput), Pump(process.StandardError));
        await process.WaitForExitAsync(cancellationToken);
        await pumps;
        var wall = watch.Elapsed.TotalSeconds;
        double user = double.NaN, system = double.NaN;
        long rss = -1;
        if (stats is not null && File.Exists(stats))
        {
            // The last line holds the numbers ("Command exited with non-zero status" may come first).
            var last = File.ReadAllLines(stats).LastOrDefault(l => l.Trim().Length > 0)?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (last is { Length: 4 })
            {
                user = double.Parse(last[1], CultureInfo.InvariantCulture);
                system = double.Parse(last[2], CultureInfo.InvariantCulture);
                rss = long.Parse(last[3], CultureInfo.InvariantCulture);
            }
            File.Delete(stats);
        }
        var result = new ProcessResult(process.ExitCode, wall, user, system, rss, lines);
        if (mustSucceed && process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} failed ({process.ExitCode}):\n{result.Output}");
        return result;
    }
}
