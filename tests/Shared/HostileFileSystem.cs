using System.Diagnostics;

namespace PgSeed.Tests.Shared;

/// <summary>
/// File-system failures for tests of error handling: a folder nobody may change (even root: chattr +i, which makes
/// writes fail with EPERM, i.e. UnauthorizedAccessException) and a tiny file system that fills up (a size-limited
/// tmpfs: ENOSPC). Both need root on Linux; elsewhere the test is skipped with the reason.
/// </summary>
public sealed class HostileFileSystem : IDisposable
{
    private readonly Action _undo;

    private HostileFileSystem(string path, Action undo)
    {
        Path = path;
        _undo = undo;
    }

    public string Path { get; }

    /// <summary>Makes <paramref name="folder"/> unchangeable: no file can be created, renamed or deleted in it.</summary>
    public static HostileFileSystem Immutable(string folder)
    {
        RequireRoot("chattr +i");
        if (Run("chattr", "+i", folder) != 0) Assert.Skip("chattr +i is not supported on this file system");
        return new HostileFileSystem(folder, () => Run("chattr", "-i", folder));
    }

    /// <summary>A new, empty folder on a file system of <paramref name="kilobytes"/> kB.</summary>
    public static HostileFileSystem Small(int kilobytes)
    {
        RequireRoot("mount -t tmpfs");
        var folder = Directory.CreateTempSubdirectory("pgseed-small-").FullName;
        if (Run("mount", "-t", "tmpfs", "-o", $"size={kilobytes}k", "tmpfs", folder) != 0)
        {
            Directory.Delete(folder);
            Assert.Skip("cannot mount a tmpfs here");
        }
        return new HostileFileSystem(folder, () =>
        {
            Run("umount", folder);
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        });
    }

    public void Dispose() => _undo();

    private static void RequireRoot(string what)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root") Assert.Skip($"{what} needs root on Linux");
    }

    private static int Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            p.WaitForExit();
            return p.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
