using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace PgSeed.Engine.Shaping;

/// <summary>
/// Finds a <c>pg_dump</c> that can dump a server: pg_dump refuses servers newer than itself ("aborting because of
/// server version mismatch") and dumps every older one, so the newest pg_dump on the machine is the best choice. Looks
/// at <c>PGSEED_PG_DUMP</c> (taken first whenever it is new enough), <c>pg_config --bindir</c>, every versioned install
/// folder (Debian/Ubuntu <c>/usr/lib/postgresql/*/bin</c>, RHEL <c>/usr/pgsql-*/bin</c>, Homebrew, Postgres.app,
/// Windows) and the PATH. Versions are probed once per file and process (<c>pg_dump --version</c>).
/// </summary>
internal static partial class PgDumpLocator
{
    /// <summary>A pg_dump and its major version.</summary>
    public sealed record Candidate(string Path, int Major);

    /// <summary>
    /// What the search found: the chosen pg_dump (null when none is new enough), every one seen, and what
    /// <c>PGSEED_PG_DUMP</c> said (<see cref="ConfiguredCandidate"/> is null when it names no pg_dump that runs).
    /// </summary>
    public sealed record Result(Candidate? Chosen, IReadOnlyList<Candidate> Found, string? Configured, Candidate? ConfiguredCandidate)
    {
        /// <summary>The newest pg_dump seen, new enough or not.</summary>
        public Candidate? Newest => Found.MaxBy(c => c.Major);
    }

    /// <summary><c>PGSEED_PG_DUMP=none</c>: never run pg_dump; schema.sql comes from the catalog.</summary>
    public const string NoneValue = "none";

    [GeneratedRegex(@"^pg_dump \(PostgreSQL\) (\d+)", RegexOptions.Multiline)]
    private static partial Regex VersionLine();

    private static readonly ConcurrentDictionary<(string Path, long Stamp), Task<int?>> Versions = new();
    private static readonly Lazy<Task<string?>> PgConfigBinDir = new(() => PgConfigAsync());

    /// <summary>
    /// The pg_dump to use for a server of <paramref name="serverMajor"/>: <paramref name="configured"/> (PGSEED_PG_DUMP, or
    /// a test's override) when it is new enough, else the newest candidate that is. <paramref name="searchPaths"/> replaces
    /// the machine's search (tests: "only pg_dump 15 on the machine").
    /// </summary>
    public static async Task<Result> FindAsync(int serverMajor, string? configured, IReadOnlyList<string>? searchPaths, CancellationToken cancellationToken)
    {
        var paths = new List<string>();
        if (!string.IsNullOrWhiteSpace(configured)) paths.Add(configured.Trim());
        paths.AddRange(searchPaths ?? await MachineCandidatesAsync().ConfigureAwait(false));
        var distinct = paths.Select(ResolvePath).Where(p => p is not null).Select(p => p!).Distinct(StringComparer.Ordinal).ToList();
        var versions = await Task.WhenAll(distinct.Select(p => VersionAsync(p).WaitAsync(cancellationToken))).ConfigureAwait(false);
        var found = distinct.Zip(versions, (p, v) => v is { } major ? new Candidate(p, major) : null).Where(c => c is not null).Select(c => c!).ToList();

        var configuredPath = string.IsNullOrWhiteSpace(configured) ? null : ResolvePath(configured.Trim());
        var configuredCandidate = found.FirstOrDefault(c => c.Path == configuredPath);
        var chosen = configuredCandidate is { } c0 && c0.Major >= serverMajor
            ? c0
            : found.Where(c => c.Major >= serverMajor).OrderByDescending(c => c.Major).FirstOrDefault();
        return new Result(chosen, found, string.IsNullOrWhiteSpace(configured) ? null : configured.Trim(), configuredCandidate);
    }

    /// <summary>Every pg_dump this machine has in the usual places, newest install folder first, the PATH last.</summary>
    private static async Task<List<string>> MachineCandidatesAsync()
    {
        var exe = OperatingSystem.IsWindows() ? "pg_dump.exe" : "pg_dump";
        var result = new List<string>();
        if (await PgConfigBinDir.Value.ConfigureAwait(false) is { } bin) result.Add(Path.Combine(bin, exe));
        var versioned = new List<(string Path, double Version)>();
        foreach (var (root, pattern, binSuffix) in InstallFolders())
        {
            if (!Directory.Exists(root)) continue;
            string[] dirs;
            try { dirs = Directory.GetDirectories(root, pattern); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            foreach (var dir in dirs)
                versioned.Add((Path.Combine(dir, binSuffix, exe), FolderVersion(Path.GetFileName(dir))));
        }
        result.AddRange(versioned.OrderByDescending(v => v.Version).Select(v => v.Path));
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            result.Add(Path.Combine(dir, exe));
        return result;
    }

    private static IEnumerable<(string Root, string Pattern, string Bin)> InstallFolders()
    {
        yield return ("/usr/lib/postgresql", "*", "bin");                        // Debian, Ubuntu (apt.postgresql.org too)
        yield return ("/usr", "pgsql-*", "bin");                                  // RHEL, Fedora (PGDG)
        yield return ("/opt/homebrew/opt", "postgresql@*", "bin");                // Homebrew on Apple silicon
        yield return ("/usr/local/opt", "postgresql@*", "bin");                   // Homebrew on Intel
        yield return ("/Applications/Postgres.app/Contents/Versions", "*", "bin");
        if (OperatingSystem.IsWindows())
            yield return (Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ProgramFiles), "PostgreSQL"), "*", "bin");
    }

    /// <summary>"17", "pgsql-16", "postgresql@15", "16.2" → the number in it (0 when none), for newest-first order.</summary>
    private static double FolderVersion(string name)
    {
        var m = Regex.Match(name, @"\d+(\.\d+)?");
        return m.Success && double.TryParse(m.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : 0;
    }

    /// <summary>A path as given (when it has a directory part) or looked up on the PATH; null when no such file.</summary>
    private static string? ResolvePath(string path)
    {
        if (path.Contains(Path.DirectorySeparatorChar) || path.Contains(Path.AltDirectorySeparatorChar))
            return File.Exists(path) ? Path.GetFullPath(path) : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var full = Path.Combine(dir, path);
            if (File.Exists(full)) return Path.GetFullPath(full);
        }
        return null;
    }

    /// <summary>The file's major version from <c>--version</c>, or null when it does not run as a pg_dump. Cached per file and modification time.</summary>
    private static Task<int?> VersionAsync(string path)
    {
        long stamp;
        try { stamp = File.GetLastWriteTimeUtc(path).Ticks; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return Task.FromResult<int?>(null); }
        return Versions.GetOrAdd((path, stamp), static key => ProbeAsync(key.Path));
    }

    private static async Task<int?> ProbeAsync(string path)
    {
        var output = await RunAsync(path, "--version").ConfigureAwait(false);
        var m = output is null ? Match.Empty : VersionLine().Match(output);
        return m.Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    private static async Task<string?> PgConfigAsync()
    {
        var output = await RunAsync("pg_config", "--bindir").ConfigureAwait(false);
        return string.IsNullOrWhiteSpace(output) ? null : output.Trim();
    }

    /// <summary>Standard output of a short command, or null when it cannot start, fails or takes over 10 s.</summary>
    private static async Task<string?> RunAsync(string file, string argument)
    {
        var psi = new ProcessStartInfo(file, argument) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        try
        {
            using var process = Process.Start(psi);
            if (process is null) return null;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            _ = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                return null;
            }
            return process.ExitCode == 0 ? await stdout.ConfigureAwait(false) : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
