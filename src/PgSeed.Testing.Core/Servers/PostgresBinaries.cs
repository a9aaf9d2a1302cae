using System.Diagnostics;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Testing.Servers;

/// <summary>
/// Finds the PostgreSQL server binaries (initdb, pg_ctl): <c>PGSEED_PG_BIN</c>, else
/// <c>pg_config --bindir</c> when it holds initdb, else the newest <c>/usr/lib/postgresql/*/bin</c>. With
/// <c>PGSEED_PG_MAJOR</c> set (a machine with several majors installed), only that major's binaries are taken.
/// </summary>
internal static class PostgresBinaries
{
    /// <summary>Names the directory holding initdb, pg_ctl and postgres.</summary>
    public const string EnvironmentVariable = "PGSEED_PG_BIN";

    /// <summary>The major version a local cluster runs (e.g. <c>17</c>) when the machine has several; default: the newest.</summary>
    public const string MajorVariable = "PGSEED_PG_MAJOR";

    /// <summary>The binaries' directory, or null when none is found (a set but wrong <c>PGSEED_PG_BIN</c> or <c>PGSEED_PG_MAJOR</c> still throws).</summary>
    internal static string? TryFindBinDirectory()
    {
        try { return FindBinDirectory(); }
        catch (PgSeedException) when (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(EnvironmentVariable)) &&
                                      string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(MajorVariable))) { return null; }
    }

    /// <summary>The directory of the server binaries; <c>PGSEED070</c> naming the ways out when there is none.</summary>
    public static string FindBinDirectory()
    {
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            if (HasServer(fromEnv)) return fromEnv;
            throw new PgSeedException(ErrorCode.PostgresBinariesNotFound,
                $"{EnvironmentVariable}={fromEnv} does not contain initdb and pg_ctl.");
        }
        var fromPgConfig = TryPgConfig();
        if (RequestedMajor() is { } major) return FindMajor(major, fromPgConfig);
        if (fromPgConfig is not null && HasServer(fromPgConfig)) return fromPgConfig;

        foreach (var root in new[] { "/usr/lib/postgresql", "/usr/local/pgsql", "/opt/homebrew/opt" })
        {
            if (!Directory.Exists(root)) continue;
            var best = Directory.GetDirectories(root)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: ParseVersion(Path.GetFileName(d))))
                .Where(x => HasServer(x.Dir))
                .OrderByDescending(x => x.Version)
                .FirstOrDefault();
            if (best.Dir is not null) return best.Dir;
        }
        if (HasServer("/usr/local/pgsql/bin")) return "/usr/local/pgsql/bin";
        throw new PgSeedException(ErrorCode.PostgresBinariesNotFound,
            "PostgreSQL server binaries (initdb, pg_ctl) were not found. Install them (Debian/Ubuntu: apt-get install -y postgresql), " +
            $"set {EnvironmentVariable} to their directory, or set PGSEED_TEST_CONNECTION to use an existing server.");
    }

    /// <summary><c>PGSEED_PG_MAJOR</c>, or null when unset; PGSEED070 when it is not a major version.</summary>
    private static int? RequestedMajor() => ParseMajor(Environment.GetEnvironmentVariable(MajorVariable));

    internal static int? ParseMajor(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (int.TryParse(value.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var major) && major >= 10)
            return major;
        throw new PgSeedException(ErrorCode.PostgresBinariesNotFound, $"{MajorVariable}={value} is not a PostgreSQL major version (e.g. 17).");
    }

    /// <summary>The server binaries of one major: pg_config's, or any install folder whose postgres reports that major.</summary>
    internal static string FindMajor(int major, string? fromPgConfig)
    {
        var candidates = new List<string>();
        if (fromPgConfig is not null) candidates.Add(fromPgConfig);
        foreach (var (root, pattern, bin) in new[] { ("/usr/lib/postgresql", "*", "bin"), ("/usr", "pgsql-*", "bin"), ("/opt/homebrew/opt", "postgresql@*", "bin"), ("/usr/local/opt", "postgresql@*", "bin") })
            if (Directory.Exists(root))
                candidates.AddRange(Directory.GetDirectories(root, pattern).Select(d => Path.Combine(d, bin)));
        candidates.Add("/usr/local/pgsql/bin");
        var found = candidates.Distinct().Where(HasServer).Select(d => (Dir: d, Major: ServerMajor(d))).Where(x => x.Major is not null).ToList();
        if (found.FirstOrDefault(x => x.Major == major) is { Dir: not null } match) return match.Dir;
        var installed = found.Count == 0 ? "none" : string.Join(", ", found.Select(x => $"{x.Major} ({x.Dir})").Distinct());
        throw new PgSeedException(ErrorCode.PostgresBinariesNotFound,
            $"{MajorVariable}={major}, but PostgreSQL {major}'s server binaries are not installed (installed: {installed}). " +
            $"Install them (Debian/Ubuntu: apt-get install -y postgresql-{major}), unset {MajorVariable} to use the newest, or run the tests in a container " +
            $"(PGSEED_TEST_SERVER=container, PGSEED_TEST_POSTGRES_IMAGE=postgres:{major}).");
    }

    /// <summary>The major version <c>postgres --version</c> reports, or null.</summary>
    internal static int? ServerMajor(string dir)
    {
        var output = Run(Path.Combine(dir, Exe("postgres")), "--version");
        var m = output is null ? null : System.Text.RegularExpressions.Regex.Match(output, @"\(PostgreSQL\) (\d+)");
        return m is { Success: true } ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    private static bool HasServer(string dir) =>
        File.Exists(Path.Combine(dir, Exe("initdb"))) && File.Exists(Path.Combine(dir, Exe("pg_ctl"))) && File.Exists(Path.Combine(dir, Exe("postgres")));

    internal static string Exe(string name) => OperatingSystem.IsWindows() ? name + ".exe" : name;

    private static double ParseVersion(string s) => double.TryParse(s, System.Globalization.NumberStyles.Float,
        System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : 0;

    private static string? TryPgConfig() => Run("pg_config", "--bindir") is { Length: > 0 } dir ? dir : null;

    /// <summary>A short command's trimmed standard output, or null when it cannot start or fails.</summary>
    private static string? Run(string file, string argument)
    {
        try
        {
            var psi = new ProcessStartInfo(file, argument) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(psi);
            if (p is null) return null;
            var output = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit(5000);
            return p.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
