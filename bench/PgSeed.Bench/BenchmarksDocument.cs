using System.Text;

namespace PgSeed.Bench;

/// <summary>
/// docs/benchmarks.md holds <c>## Section</c>s per benchmark mode (Export, Import, Reset, Suite, ...). A run
/// replaces only its own sections, so modes can be re-run independently.
/// </summary>
internal static class BenchmarksDocument
{
    // Used only when docs/benchmarks.md does not exist yet.
    private const string Header = """
        # Benchmarks

        End-to-end wall-clock benchmarks of PgSeed against the cheapest way PostgreSQL offers to do the same
        work (raw `COPY`, `psql`, `pg_dump`, or the conventional .NET test stack), **measured in the same run on the same
        server**. The machine these run on is a shared, noisy 2-core VM, so absolute seconds drift from run to run; the
        ratios are what to compare. Each benchmark runs its contenders round-robin (one warm-up round, then N measured
        rounds), and a ratio is the median over rounds of *contender time / baseline time of the same round*.

        Run them (Release; each mode starts its own throwaway PostgreSQL cluster and deletes it afterwards; every mode
        rewrites only its own sections below):

        | section | command |
        |---|---|
        | Export, Export: shuffled shape with link tables, Export: small seed | `dotnet run -c Release --project bench/PgSeed.Bench -- export --reps 5` |
        | the same at ten times the size (sections "(scale 10)") | `dotnet run -c Release --project bench/PgSeed.Bench -- export --scale 10 --case full --reps 3` |
        | Import, Import: shuffled shape with link tables | `dotnet run -c Release --project bench/PgSeed.Bench -- import --reps 3` |
        | the same at ten times the size | `dotnet run -c Release --project bench/PgSeed.Bench -- import --scale 10 --reps 1` |
        | Memory: a 1 GB table | `dotnet run -c Release --project bench/PgSeed.Bench -- memory [--size-mb 1024]` |
        | Export and import: where pgseed's time goes | `dotnet run -c Release --project bench/PgSeed.Bench -- profile --reps 3` (with `dotnet tool install dotnet-trace --tool-path /tmp/pgseed-bench-tools` first for its trace part) |
        | Reset | `dotnet run -c Release --project bench/PgSeed.Bench -- reset --reps 40` |
        | Reset: parallel leases (8 classes × 25 tests on leases vs the sequential reset) | `dotnet run -c Release --project bench/PgSeed.Bench -- parallel --reps 5` |
        | Closure modes (client vs server closure) | `dotnet run -c Release --project bench/PgSeed.Bench -- closure --reps 5` |
        | Copy (`pgseed copy` vs `pg_dump -a \| psql`) | `dotnet run -c Release --project bench/PgSeed.Bench -- copy --reps 5` |
        | Suite | `set -a; source /tmp/docker-env.sh; set +a; dotnet run -c Release --project bench/PgSeed.Bench -- suite --reps 3` |

        Options: `--scale` shrinks or grows the generated database (0.05 for a quick smoke run; scale 10 is ~30 M rows and
        ~3.5 GB per database: point `PGSEED_SCRATCH_DIR` at a disk with room, since the throwaway cluster otherwise lives in
        `/dev/shm`); `--shape ordered|shuffled|both` (export, import; default both); `--case subset|full|small` (export);
        `--no-docs` leaves this file alone. The whole-process contenders run `src/PgSeed.Cli/bin/Release/*/pgseed` (built
        by `dotnet run` of the bench) under `/usr/bin/time` for their CPU and peak memory. For finding where the time goes:
        `--log-slow MS` makes the server log every statement slower than MS and copies those lines to
        `/tmp/pgseed-bench-<mode>-slow-statements.log`, `--try-options "-c work_mem=64MB"` adds a contender that runs PgSeed
        `--parallel 1` with those session settings; PgSeed's own log of the last `--parallel 1` export is kept in
        `/tmp/pgseed-bench-export-[shuffled-]<case>-p1.log` with a timestamp on every line. `-- create-db CS [SCALE [ordered|shuffled]]`
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
    /// <summary>Prints a section's report and, unless --no-docs, writes it into docs/benchmarks.md.</summary>
    public static void Publish(string section, string report, bool writeDocs)
    {
        Console.WriteLine();
        Console.WriteLine(report);
        if (!writeDocs) return;
        var path = Path.Combine(FindRepositoryRoot(), "docs", "benchmarks.md");
        UpdateSection(path, section, report);
        Console.WriteLine($"Updated {path}");
    }

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
