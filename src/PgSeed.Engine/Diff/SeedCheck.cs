using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Seed;

namespace PgSeed.Engine.Diff;

/// <summary>The outcome of <see cref="SeedCheck.CheckAsync"/>.</summary>
public sealed record SeedCheckResult
{
    /// <summary>The checked-in seed folder.</summary>
    public required string Folder { get; init; }

    /// <summary>An export now would write exactly the files the folder holds.</summary>
    public bool UpToDate { get; init; }

    /// <summary>One line per difference (a changed table, schema.sql, the manifest); empty when up to date.</summary>
    public IReadOnlyList<string> Changes { get; init; } = Array.Empty<string>();

    /// <summary>The full comparison, when both folders could be compared.</summary>
    public SeedDiff? Diff { get; init; }
}

/// <summary>
/// Is a checked-in seed stale? Exports into a temporary folder and compares it with the checked-in one, which is
/// never written. Identical means byte-identical manifest, CSVs and schema.sql; other files (a README) are not data.
/// </summary>
public static class SeedCheck
{
    /// <summary>Exports <paramref name="request"/> into a temporary folder and compares it with <see cref="ExportRequest.OutputDirectory"/>, which is never written.</summary>
    /// <param name="request">The export that produced (or would produce) the checked-in seed.</param>
    /// <param name="log">Receives the export's progress; null for none.</param>
    /// <param name="options">How to compare (sample sizes, labels); null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the export (and its server queries).</param>
    public static async Task<SeedCheckResult> CheckAsync(ExportRequest request, ISeedLog? log = null, SeedDiffOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var folder = Path.GetFullPath(request.OutputDirectory);
        using var fresh = await ScratchSeedFolder.ExportAsync(request, log, cancellationToken).ConfigureAwait(false);
        if (!File.Exists(Path.Combine(folder, SeedManifest.FileName)))
        {
            var manifest = ManifestSerializer.Read(fresh.Path);
            return new SeedCheckResult
            {
                Folder = folder,
                Changes = [$"{folder} has no seed yet: the export would write {manifest.Tables.Count} tables, {manifest.Tables.Sum(t => t.Rows)} rows"],
            };
        }
        if (SameFiles(folder, fresh.Path)) return new SeedCheckResult { Folder = folder, UpToDate = true };

        SeedDiff diff;
        try
        {
            diff = await SeedDiffer.DiffAsync(folder, fresh.Path, (options ?? new SeedDiffOptions()) with
            {
                RequireSameRoots = false, BeforeLabel = folder, AfterLabel = "export from " + request.SessionSource.Description,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (PgSeedException e) when (e.Code is ErrorCode.SeedFileMissing or ErrorCode.ChecksumMismatch or ErrorCode.RowCountMismatch or ErrorCode.CsvHeaderInvalid)
        {
            // The checked-in folder was damaged or edited by hand: a re-export replaces it.
            return new SeedCheckResult { Folder = folder, Changes = [$"{e.Code}: {e.Message}"] };
        }
        var changes = DiffText.SummaryLines(diff);
        // Bytes differ without a difference the comparison names (say, a table's reason or key order in the manifest).
        if (changes.Count == 0) changes = ["pgseed.json: the manifest's details changed"];
        return new SeedCheckResult { Folder = folder, Changes = changes, Diff = diff };
    }

    /// <summary>The same data files (manifest, CSVs, schema.sql) with the same bytes on both sides.</summary>
    private static bool SameFiles(string a, string b)
    {
        static IEnumerable<string> DataFiles(string folder) => Directory.EnumerateFiles(folder).Select(Path.GetFileName)
            .Where(n => n is SeedManifest.FileName or Shaping.SchemaDumper.FileName || n!.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)!;
        var files = DataFiles(a).ToList();
        if (!files.SequenceEqual(DataFiles(b))) return false;
        return files.All(f => SameBytes(Path.Combine(a, f), Path.Combine(b, f)));
    }

    private static bool SameBytes(string a, string b)
    {
        using var x = new FileStream(a, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var y = new FileStream(b, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        if (x.Length != y.Length) return false;
        var bx = new byte[1 << 16];
        var by = new byte[1 << 16];
        while (true)
        {
            var n = x.ReadAtLeast(bx, bx.Length, throwOnEndOfStream: false);
            var m = y.ReadAtLeast(by, by.Length, throwOnEndOfStream: false);
            if (n != m || !bx.AsSpan(0, n).SequenceEqual(by.AsSpan(0, m))) return false;
            if (n == 0) return true;
        }
    }
}
