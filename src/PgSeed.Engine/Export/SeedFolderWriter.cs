using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Seed;

namespace PgSeed.Engine.Export;

/// <summary>
/// Writes a seed folder atomically: everything goes into a temporary sibling folder, which replaces the
/// target only when complete. A failed or cancelled export leaves the previous seed untouched; CSVs of
/// tables no longer in the seed disappear with the old folder. Files PgSeed does not own (a README the user
/// wrote, say) are carried over; a README PgSeed generated is replaced by the one written into staging.
/// </summary>
internal sealed class SeedFolderWriter : IDisposable
{
    private static readonly string[] OwnedExtensions = [".csv"];
    private static readonly string[] OwnedFiles = [SeedManifest.FileName, "schema.sql"];
    private bool _committed;

    public SeedFolderWriter(string target)
    {
        Target = Path.GetFullPath(target.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        if (Directory.Exists(Target) && !File.Exists(Path.Combine(Target, SeedManifest.FileName)) &&
            Directory.EnumerateFileSystemEntries(Target).Any())
            throw new PgSeedException(ErrorCode.OutputFolder,
                $"Output folder '{Target}' exists, is not empty and is not a PgSeed seed folder (no {SeedManifest.FileName}); refusing to replace it.") { File = Target };
        var parent = Path.GetDirectoryName(Target)!;
        try
        {
            Directory.CreateDirectory(parent);
            Staging = Path.Combine(parent, $".{Path.GetFileName(Target)}.pgseed-tmp-{Guid.NewGuid().ToString("N")[..8]}");
            Directory.CreateDirectory(Staging);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PgSeedException(ErrorCode.OutputFolder, $"Cannot write to '{parent}': {e.Message}", e) { File = Target };
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
            old = Target + $".pgseed-old-{Guid.NewGuid().ToString("N")[..8]}";
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
    }

    public void Dispose()
    {
        if (!_committed) TryDelete(Staging);
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
