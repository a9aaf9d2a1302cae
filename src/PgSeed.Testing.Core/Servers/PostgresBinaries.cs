using System.Diagnostics;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Testing.Servers;

/// <summary>
/// Finds the PostgreSQL server binaries (initdb, pg_ctl): <c>PGSEED_PG_BIN</c>, else
/// <c>pg_config --bindir</c> when it holds initdb, else the newest <c>/usr/lib/postgresql/*/bin</c>.
/// </summary>
public static class PostgresBinaries
{
    /// <summary>Names the directory holding initdb, pg_ctl and postgres.</summary>
    public const string EnvironmentVariable = "PGSEED_PG_BIN";

    /// <summary>The binaries' directory, or null when none is found (a set but wrong <c>PGSEED_PG_BIN</c> still throws).</summary>
    internal static string? TryFindBinDirectory()
    {
        try { return FindBinDirectory(); }
        catch (PgSeedException) when (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(EnvironmentVariable))) { return null; }
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

    private static bool HasServer(string dir) =>
        File.Exists(Path.Combine(dir, Exe("initdb"))) && File.Exists(Path.Combine(dir, Exe("pg_ctl"))) && File.Exists(Path.Combine(dir, Exe("postgres")));

    internal static string Exe(string name) => OperatingSystem.IsWindows() ? name + ".exe" : name;

    private static double ParseVersion(string s) => double.TryParse(s, System.Globalization.NumberStyles.Float,
        System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : 0;

    private static string? TryPgConfig()
    {
        try
        {
            var psi = new ProcessStartInfo("pg_config", "--bindir") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
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
