using System.Text.RegularExpressions;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Seed;

namespace PgSeed.Engine.Export;

/// <summary>
/// Writes a seed folder atomically: everything goes into a temporary sibling folder, which replaces the
/// target only when complete. A failed or cancelled export leaves the previous seed untouched; CSVs of
/// tables no longer in the seed disappear with the old folder. Files PgSeed does not own (a README the user
/// wrote, say) are carried over; a README PgSeed generated is replaced by the one written into staging.
/// While it works, an export holds an exclusive lock on a sibling <c>.lock</c> file; the OS drops it when the
/// process dies, even by kill -9, so the next export into the same parent folder knows which temporary folders
/// were left behind and removes them (see <see cref="RemoveLeftovers"/>).
/// </summary>
internal sealed class SeedFolderWriter : IDisposable
{
    private static readonly string[] OwnedExtensions = [".csv"];
    private static readonly string[] OwnedFiles = [SeedManifest.FileName, "schema.sql"];
    private const string StagingMarker = ".pgseed-tmp-";
    private const string OldMarker = ".pgseed-old-";
    private static readonly Regex StagingName = new(@"^\.(?<name>.+)\.pgseed-tmp-(?<id>[0-9a-f]{8})(?<lock>\.lock)?$", RegexOptions.CultureInvariant);
    private static readonly Regex OldName = new(@"^(?<name>.+)\.pgseed-old-(?<id>[0-9a-f]{8})$", RegexOptions.CultureInvariant);
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];
    private FileStream? _lock;
    private bool _committed;

    public SeedFolderWriter(string target)
    {
        Target = Path.GetFullPath(target.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        if (Directory.Exists(Target) && !File.Exists(Path.Combine(Target, SeedManifest.FileName)) &&
            Directory.EnumerateFileSystemEntries(Target).Any())
            throw new PgSeedException(ErrorCode.OutputFolder,
                $"Output folder '{Target}' exists, is not empty and is not a PgSeed seed folder (no {SeedManifest.FileName}); refusing to replace it.") { File = Target };
        var parent = Path.GetDirectoryName(Target)!;
        Staging = Path.Combine(parent, $".{Path.GetFileName(Target)}{StagingMarker}{_id}");
        try
        {
            Directory.CreateDirectory(parent);
            RemoveLeftovers(parent);
            // The lock first: a staging folder without a held lock is a leftover to any other export.
            _lock = new FileStream(Staging + ".lock", FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            Directory.CreateDirectory(Staging);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ReleaseLock();
            throw new PgSeedException(ErrorCode.OutputFolder,
                $"Cannot write to '{parent}': {e.Message} Check that the folder exists or can be created and is writable (permissions, read-only file system).", e)
                { File = Target };
        }
    }

    public string Target { get; }

    /// <summary>Where files are written until <see cref="Commit"/>.</summary>
    public string Staging { get; }

    public string PathFor(string fileName) => Path.Combine(Staging, fileName);

    /// <summary>Swaps the staging folder in place of the target.</summary>
    public void Commit()
    {
        string? old = null;
        if (Directory.Exists(Target))
        {
            foreach (var file in Directory.EnumerateFiles(Target))
            {
                var name = Path.GetFileName(file);
                if (OwnedFiles.Contains(name) || OwnedExtensions.Contains(Path.GetExtension(name), StringComparer.OrdinalIgnoreCase)) continue;
                if (!File.Exists(PathFor(name))) File.Copy(file, PathFor(name));
            }
            foreach (var dir in Directory.EnumerateDirectories(Target))
                CopyDirectory(dir, PathFor(Path.GetFileName(dir)));
            old = Target + OldMarker + _id;
            Directory.Move(Target, old);
        }
        try
        {
            Directory.Move(Staging, Target);
        }
        catch
        {
            if (old is not null) Directory.Move(old, Target); // put the previous seed back
            throw;
        }
        _committed = true;
        if (old is not null) TryDelete(old);
        ReleaseLock();
    }

    public void Dispose()
    {
        if (!_committed) TryDelete(Staging);
        ReleaseLock();
    }

    private void ReleaseLock()
    {
        if (_lock is null) return;
        _lock.Dispose();
        _lock = null;
        try { File.Delete(Staging + ".lock"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>
    /// Removes what killed exports left in <paramref name="parent"/>: staging folders whose lock nobody holds (and
    /// their lock files). A process killed between the two renames of <see cref="Commit"/> leaves the previous seed
    /// in an <c>.pgseed-old-</c> folder and no seed folder: it is put back. Best effort, never fails the export.
    /// </summary>
    internal static void RemoveLeftovers(string parent)
    {
        try
        {
            var ids = new HashSet<(string Name, string Id)>();
            foreach (var entry in Directory.EnumerateFileSystemEntries(parent, "*" + StagingMarker + "*"))
                if (StagingName.Match(Path.GetFileName(entry)) is { Success: true } m) ids.Add((m.Groups["name"].Value, m.Groups["id"].Value));
            foreach (var entry in Directory.EnumerateDirectories(parent, "*" + OldMarker + "*"))
                if (OldName.Match(Path.GetFileName(entry)) is { Success: true } m) ids.Add((m.Groups["name"].Value, m.Groups["id"].Value));
            foreach (var (name, id) in ids)
            {
                var staging = Path.Combine(parent, $".{name}{StagingMarker}{id}");
                var lockFile = staging + ".lock";
                // Young ones first and without a probe: the probe's exclusive open would briefly hold the lock a starting
                // export is about to take, and make that export fail.
                if (JustCreated(File.Exists(lockFile) ? lockFile : staging) || IsLocked(lockFile)) continue;
                var old = Path.Combine(parent, name + OldMarker + id);
                var target = Path.Combine(parent, name);
                if (Directory.Exists(old))
                {
                    if (!Directory.Exists(target)) Directory.Move(old, target);
                    else TryDelete(old);
                }
                TryDelete(staging);
                try { File.Delete(lockFile); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>
    /// Creating the lock file and locking it are two system calls: in between, a free lock does not yet mean a dead
    /// owner. Leftovers that young (the lock file, or a temporary folder without one) are left alone; a killed
    /// export's are removed by a later export.
    /// </summary>
    private static bool JustCreated(string path)
    {
        try { return (File.Exists(path) || Directory.Exists(path)) && DateTime.UtcNow - File.GetLastWriteTimeUtc(path) < TimeSpan.FromSeconds(2); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return true; }
    }

    /// <summary>Whether a live export holds the lock (an exclusive open fails while it does; missing: nobody).</summary>
    private static bool IsLocked(string lockFile)
    {
        try
        {
            using var probe = new FileStream(lockFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            return false;
        }
        catch (FileNotFoundException) { return false; }
        catch (IOException) { return true; }
        catch (UnauthorizedAccessException) { return true; }
    }

    private static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        foreach (var dir in Directory.EnumerateDirectories(source)) CopyDirectory(dir, Path.Combine(target, Path.GetFileName(dir)));
    }

    private static void TryDelete(string dir)
    {
        try { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
