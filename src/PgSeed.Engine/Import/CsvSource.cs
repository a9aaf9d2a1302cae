using Npgsql;
using PgSeed.Engine.Seed;

namespace PgSeed.Engine.Import;

/// <summary>
/// Where a table's CSV comes from when it loads: a seed folder's file (<see cref="SeedFileCsv"/>), or a COPY streamed
/// from another database (<see cref="Copy.StreamedCsv"/>, <c>pgseed copy</c>). The import's plan and run are the same
/// for both; only the bytes' origin differs.
/// </summary>
internal abstract class CsvSource
{
    /// <summary>What the plan and errors call the CSV: the file's name, or the source table.</summary>
    public abstract string Name { get; }

    /// <summary>The file, for error locations (records and lines); null when the CSV is streamed.</summary>
    public virtual string? FilePath => null;

    /// <summary>Rows and bytes expected (a manifest's figures, or an estimate), for progress.</summary>
    public abstract (long Rows, long Bytes) Expected { get; }

    /// <summary>
    /// Streams the CSV (header line first) into <paramref name="copySql"/> (<c>COPY ... FROM STDIN (FORMAT csv, HEADER)</c>)
    /// on <paramref name="target"/>. Returns the rows and bytes sent; <paramref name="progress"/> hears about them per chunk.
    /// </summary>
    public abstract Task<(long Rows, long Bytes)> CopyIntoAsync(NpgsqlConnection target, string copySql, Action<long, long>? progress,
        CancellationToken cancellationToken);
}

/// <summary>A seed folder's CSV file (verified against the manifest before the import starts).</summary>
internal sealed class SeedFileCsv(string path, SeedTable seed) : CsvSource
{
    public override string Name => seed.File;
    public override string? FilePath => path;
    public override (long Rows, long Bytes) Expected => (seed.Rows, seed.Bytes);

    public override async Task<(long Rows, long Bytes)> CopyIntoAsync(NpgsqlConnection target, string copySql, Action<long, long>? progress,
        CancellationToken cancellationToken)
    {
        // The CSV is not parsed on the way: rows so far are estimated from the bytes sent.
        var total = Math.Max(1, seed.Bytes);
        await CsvCopy.CopyFileAsync(target, copySql, path, cancellationToken,
            sent => progress?.Invoke(seed.Rows * Math.Min(sent, total) / total, sent)).ConfigureAwait(false);
        return (seed.Rows, new FileInfo(path).Length);
    }
}

/// <summary>One table to load: what the manifest (or the copy's plan) says about it, its CSV's columns, and its CSV.</summary>
internal sealed record ImportTableSource(SeedTable Seed, IReadOnlyList<string> Header, CsvSource Csv)
{
    /// <summary>The tables of a verified seed folder, their headers read from the files.</summary>
    public static IReadOnlyList<ImportTableSource> FromSeedFolder(string folder, SeedManifest manifest) =>
        manifest.Tables.Select(t =>
        {
            var path = Path.Combine(folder, t.File);
            // SeedVerifier has checked the header against the manifest (and for duplicates) already.
            return new ImportTableSource(t, CsvScanner.ReadHeader(path, t.Name), new SeedFileCsv(path, t));
        }).ToList();
}
