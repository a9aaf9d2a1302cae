using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Export;

/// <summary>What an export did: one entry per table, in manifest order.</summary>
public sealed record ExportReport
{
    /// <summary>One entry per exported table, in manifest (import) order.</summary>
    public required IReadOnlyList<TableReport> Tables { get; init; }
    /// <summary>Wall-clock time of the whole export.</summary>
    public required TimeSpan Elapsed { get; init; }
    /// <summary>The plan was printed; no data was read and no files written.</summary>
    public bool DryRun { get; init; }
    /// <summary>The seed folder written (absolute).</summary>
    public string? OutputDirectory { get; init; }
    /// <summary>Rows exported, summed over <see cref="Tables"/>.</summary>
    public long TotalRows => Tables.Sum(t => t.Rows);
    /// <summary>CSV bytes written, summed over <see cref="Tables"/>.</summary>
    public long TotalBytes => Tables.Sum(t => t.Bytes);

    /// <summary>The tree summary, ready to print (see <see cref="Diagnostics.SummaryTree"/>).</summary>
    public string Tree { get; init; } = "";

    /// <summary>The source database's latest EF Core migration (its <c>__EFMigrationsHistory</c>), as recorded in the manifest.</summary>
    public string? EfMigration { get; init; }

    /// <summary>The seed's tables and FKs, to draw (a dry run's has no row counts).</summary>
    internal Picture.SeedGraph? Graph { get; init; }

    /// <summary>Where the subset was computed, and why there (see <see cref="ClosureMode"/>).</summary>
    public ClosureMode Closure { get; init; }
    /// <summary>Why the closure ran where it did (see <see cref="Closure"/>).</summary>
    public string? ClosureReason { get; init; }
}
