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
        var manifest = ManifestSerializer.Read(seedFolder);
        var problems = new List<PgSeedException>();
        foreach (var table in manifest.Tables)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var problem = await CheckTableAsync(seedFolder, table, cancellationToken);
            if (problem is not null) problems.Add(problem);
        }
        return new SeedVerification(manifest, problems);
    }

    /// <summary>Throws the first problem, if any; returns the manifest otherwise.</summary>
    public static async Task<SeedManifest> EnsureValidAsync(string seedFolder, CancellationToken cancellationToken = default)
    {
        var result = await VerifyAsync(seedFolder, cancellationToken);
        if (result.Problems.Count > 0) throw result.Problems[0];
        return result.Manifest;
    }

    public static async Task<PgSeedException?> CheckTableAsync(string seedFolder, SeedTable table, CancellationToken cancellationToken)
    {
        var path = Path.Combine(seedFolder, table.File);
        if (!File.Exists(path))
            return new PgSeedException(ErrorCode.SeedFileMissing, $"{table.File} (table {table.Name}) is listed in the manifest but missing from {seedFolder}.")
                { Table = table.Name, File = path };
        var scan = await CsvScanner.ScanFileAsync(path, cancellationToken);
        var sha = scan.Sha256Hex();
        if (!string.Equals(sha, table.Sha256, StringComparison.OrdinalIgnoreCase))
            return new PgSeedException(ErrorCode.ChecksumMismatch,
                $"{table.File} (table {table.Name}) does not match its manifest checksum: the file was edited or damaged after export " +
                $"(expected sha256 {table.Sha256[..Math.Min(12, table.Sha256.Length)]}…, found {sha[..12]}…). Re-export the seed instead of editing it.")
                { Table = table.Name, File = path };
        if (scan.EndsInsideQuotes || scan.EndsMidRecord)
            return new PgSeedException(ErrorCode.CsvHeaderInvalid,
                $"{table.File} (table {table.Name}) ends in the middle of a record (line {scan.Records + 1}): the file is truncated.")
                { Table = table.Name, File = path, Line = (int)scan.Records + 1 };
        var rows = Math.Max(0, scan.Records - 1);
        if (rows != table.Rows)
            return new PgSeedException(ErrorCode.RowCountMismatch,
                $"{table.File} (table {table.Name}) has {rows} rows; the manifest says {table.Rows}.") { Table = table.Name, File = path };
        return null;
    }
}

/// <summary>The outcome of <see cref="SeedVerifier.VerifyAsync"/>.</summary>
public sealed record SeedVerification(SeedManifest Manifest, IReadOnlyList<PgSeedException> Problems)
{
    public bool Ok => Problems.Count == 0;
}
