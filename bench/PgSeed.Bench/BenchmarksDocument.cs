using System.Text;

namespace PgSeed.Bench;

/// <summary>
/// docs/benchmarks.md holds one <c>## Section</c> per benchmark mode (Export, Import, Reset). A run
/// replaces only its own section, so modes can be re-run independently.
/// </summary>
internal static class BenchmarksDocument
{
    private const string Header = """
        # Benchmarks

        End-to-end wall-clock benchmarks of PgSeed against the cheapest way PostgreSQL offers to do the same
        work (raw `COPY`), **measured in the same run on the same server**. The machine these run on is a shared,
        noisy 2-core VM, so absolute seconds drift from run to run; the ratios are what to compare. Each
        benchmark runs its contenders round-robin (one warm-up round, then N measured rounds), and a ratio is
        the median over rounds of *contender time / baseline time of the same round*.

        Run them (Release; each mode starts its own throwaway PostgreSQL cluster and deletes it afterwards):

        ```
        dotnet run -c Release --project bench/PgSeed.Bench -- export [--reps 5] [--scale 1.0]
        dotnet run -c Release --project bench/PgSeed.Bench -- import [--reps 5] [--scale 1.0]
        dotnet run -c Release --project bench/PgSeed.Bench -- closure [--reps 5] [--scale 1.0] [--case subset|full]   # client vs server closure
        dotnet run -c Release --project bench/PgSeed.Bench -- copy [--reps 5] [--scale 1.0]      # pgseed copy vs pg_dump -a | psql
        dotnet run -c Release --project bench/PgSeed.Bench -- reset
        ```

        `--scale` shrinks or grows the generated database (0.05 for a quick smoke run); `--no-docs` leaves this
        file alone. Every run rewrites its own section below. For finding where the time goes: `--case subset|full`
        runs one export case, `--log-slow MS` makes the server log every statement slower than MS and copies those
        lines to `/tmp/pgseed-bench-<mode>-slow-statements.log`, `--try-options "-c work_mem=64MB"` adds a contender
        that runs PgSeed `--parallel 1` with those session settings; PgSeed's own log of the last `--parallel 1`
        export is kept in `/tmp/pgseed-bench-export-<case>-p1.log` with a timestamp on every line. `-- create-db CS [SCALE]`
        builds the export benchmark's database into a server of your own, for looking at single statements.

        """;

    public static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PgSeed.sln"))) return dir.FullName;
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PgSeed.sln"))) return dir.FullName;
        throw new InvalidOperationException("Cannot find the repository root (PgSeed.sln) to update docs/benchmarks.md.");
    }

    /// <summary>Replaces (or appends) <c>## {section}</c> up to the next <c>## </c> heading.</summary>
    public static void UpdateSection(string path, string section, string body)
    {
        var text = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : Header;
        var lines = text.Split('\n').ToList();
        var heading = $"## {section}";
        var start = lines.FindIndex(l => l.TrimEnd() == heading);
        var replacement = (heading + "\n\n" + body.ReplaceLineEndings("\n").TrimEnd() + "\n").Split('\n');
        if (start < 0)
        {
            while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
            lines.Add("");
            lines.AddRange(replacement);
        }
        else
        {
            var end = lines.FindIndex(start + 1, l => l.StartsWith("## ", StringComparison.Ordinal));
            if (end < 0) end = lines.Count;
            lines.RemoveRange(start, end - start);
            lines.InsertRange(start, replacement);
        }
        var result = new StringBuilder(string.Join('\n', lines).TrimEnd()).Append('\n').ToString();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, result, new UTF8Encoding(false));
    }
}
