using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Seed;

/// <summary>
/// Checks a seed folder against its manifest without a database: every file present, SHA-256, row
/// count, complete last record, format version. Cheap enough to run on every build.
/// </summary>
public static class SeedVerifier
{
    /// <summary>Collects every problem (so a build can report them all at once).</summary>
    public static async Task<SeedVerification> VerifyAsync(string seedFolder, CancellationToken cancellationToken = default)
    {
        SeedManifest manifest;
        try
        {
            manifest = ManifestSerializer.Read(seedFolder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PgSeedException(ErrorCode.FileAccessFailed, $"The manifest of '{seedFolder}' cannot be read: {e.Message} Check its permissions.", e) { File = seedFolder };
        }
        var problems = new List<PgSeedException>();
        foreach (var table in manifest.Tables)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var problem = await CheckTableAsync(seedFolder, table, cancellationToken).ConfigureAwait(false);
            if (problem is not null) problems.Add(problem);
        }
        return new SeedVerification(manifest, problems);
    }

    /// <summary>Throws the first problem, if any; returns the manifest otherwise.</summary>
    public static async Task<SeedManifest> EnsureValidAsync(string seedFolder, CancellationToken cancellationToken = default)
    {
        var result = await VerifyAsync(seedFolder, cancellationToken).ConfigureAwait(false);
        if (result.Problems.Count > 0) throw result.Problems[0];
        return result.Manifest;
    }

    internal static async Task<PgSeedException?> CheckTableAsync(string seedFolder, SeedTable table, CancellationToken cancellationToken)
    {
        var path = Path.Combine(seedFolder, table.File);
        try
        {
            return await CheckFileAsync(path, table, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new PgSeedException(ErrorCode.FileAccessFailed,
                $"{table.File} (table {table.Name}) cannot be read: {e.Message} Check the file's permissions.", e) { Table = table.Name, File = path };
        }
    }

    /// <summary>Everything an import checks about one CSV without a database: presence, checksum, completeness, row count, header.</summary>
    private static async Task<PgSeedException?> CheckFileAsync(string path, SeedTable table, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
            return new PgSeedException(ErrorCode.SeedFileMissing, $"{table.File} (table {table.Name}) is listed in the manifest but missing from {Path.GetDirectoryName(path)}.")
                { Table = table.Name, File = path };
        var scan = await CsvScanner.ScanFileAsync(path, cancellationToken).ConfigureAwait(false);
        var sha = scan.Sha256Hex();
        if (!string.Equals(sha, table.Sha256, StringComparison.OrdinalIgnoreCase))
            return new PgSeedException(ErrorCode.ChecksumMismatch,
                $"{table.File} (table {table.Name}) does not match its manifest checksum: the file was edited or damaged after export " +
                $"(expected sha256 {table.Sha256}, found {sha}). Re-export the seed instead of editing it.")
                { Table = table.Name, File = path };
        if (scan.EndsInsideQuotes || scan.EndsMidRecord)
        {
            var partial = CsvLocation.Last(path);
            return new PgSeedException(ErrorCode.CsvHeaderInvalid,
                $"{table.File} (table {table.Name}) ends in the middle of {partial?.ToString() ?? $"record {scan.Records + 1}"}: the file is truncated.")
                { Table = table.Name, File = path, Line = (int?)partial?.FirstLine, Record = (int)scan.Records + 1 };
        }
        var rows = Math.Max(0, scan.Records - 1);
        if (rows != table.Rows)
            return new PgSeedException(ErrorCode.RowCountMismatch,
                $"{table.File} (table {table.Name}) has {rows} rows; the manifest says {table.Rows}.") { Table = table.Name, File = path };
        var header = CsvScanner.ReadHeader(path, table.Name);
        if (table.Columns.Count > 0 && !header.SequenceEqual(table.Columns.Select(c => c.Name)))
            return new PgSeedException(ErrorCode.CsvHeaderInvalid,
                $"{table.File}: the header ({string.Join(", ", header)}) does not match the manifest's columns ({string.Join(", ", table.Columns.Select(c => c.Name))}).")
                { Table = table.Name, File = path, Line = 1, Record = 1 };
        if (header.Distinct().Count() != header.Count)
            return new PgSeedException(ErrorCode.CsvHeaderInvalid, $"{table.File}: the header names a column twice.") { Table = table.Name, File = path, Line = 1, Record = 1 };
        return null;
    }
}

/// <summary>The outcome of <see cref="SeedVerifier.VerifyAsync"/>.</summary>
public sealed record SeedVerification(SeedManifest Manifest, IReadOnlyList<PgSeedException> Problems)
{
    /// <summary>No problems: the folder matches its manifest.</summary>
    public bool Ok => Problems.Count == 0;
}
