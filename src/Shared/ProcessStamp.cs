using System.Diagnostics;
using System.Globalization;

namespace PgSeed.Testing.Servers;

/// <summary>
/// Tells whether the process that left a cluster or a container behind still runs. A process id alone can be recycled,
/// so the owner is recorded as its id plus a start stamp. On Linux the stamp is the kernel's own start time (clock ticks
/// since boot, from <c>/proc/&lt;pid&gt;/stat</c>) and the boot id: <see cref="Process.StartTime"/> is recomputed there from
/// the wall clock minus the uptime on every call, so a clock step (NTP on a fresh VM, a laptop resuming) would make a
/// live owner look gone and another test run would remove its server mid-run. Elsewhere the start time is an absolute
/// value the OS keeps. Compiled into each package that reaps (PgSeed.Testing.Core, PgSeed.Testing.Testcontainers).
/// </summary>
internal static class ProcessStamp
{
    private const string LinuxPrefix = "linux:";

    /// <summary>This process's stamp.</summary>
    public static string Current { get; } = Of(Environment.ProcessId) ?? "";

    /// <summary>
    /// This process's start time as absolute ticks: the owner stamp earlier versions wrote and still read (they take
    /// anything else for a dead owner), so it stays beside <see cref="Current"/> where they look for it.
    /// </summary>
    public static string LegacyCurrent { get; } = Legacy(Environment.ProcessId) ?? "";

    /// <summary>Whether process <paramref name="pid"/> runs and is the one <paramref name="stamp"/> was taken of.</summary>
    public static bool IsAlive(int pid, string stamp)
    {
        if (stamp.StartsWith(LinuxPrefix, StringComparison.Ordinal)) return Of(pid) == stamp;
        // An absolute start time (this format elsewhere, and the one earlier versions wrote everywhere).
        if (!long.TryParse(stamp, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ticks)) return false;
        try
        {
            using var p = Process.GetProcessById(pid);
            return Math.Abs(p.StartTime.ToUniversalTime().Ticks - ticks) < TimeSpan.TicksPerSecond;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>The stamp of process <paramref name="pid"/>, or null when it does not run.</summary>
    internal static string? Of(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so count fields after the last ')'.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var startTicks = fields[19]; // field 22, starttime
                var bootId = File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
                return $"{LinuxPrefix}{bootId}:{startTicks}";
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException or ArgumentOutOfRangeException)
            {
                // Gone, or /proc not readable here (a locked-down container): the portable stamp below decides.
            }
        }
        return Legacy(pid);
    }

    private static string? Legacy(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return p.StartTime.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
