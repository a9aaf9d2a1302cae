namespace PgSeed.Engine.Export;

/// <summary>What an export did: one entry per table, in manifest order.</summary>
public sealed record ExportReport
{
    public required IReadOnlyList<TableReport> Tables { get; init; }
    public required TimeSpan Elapsed { get; init; }
    public bool DryRun { get; init; }
    public string? OutputDirectory { get; init; }
    public long TotalRows => Tables.Sum(t => t.Rows);
    public long TotalBytes => Tables.Sum(t => t.Bytes);

    /// <summary>The tree summary, ready to print (see <see cref="Diagnostics.SummaryTree"/>).</summary>
    public string Tree { get; init; } = "";

    /// <summary>The source database's latest EF Core migration (its <c>__EFMigrationsHistory</c>), as recorded in the manifest.</summary>
    public string? EfMigration { get; init; }

    /// <summary>The seed's tables and FKs, to draw (a dry run's has no row counts).</summary>
    internal Picture.SeedGraph? Graph { get; init; }

    /// <summary>Where the subset was computed, and why there (see <see cref="ClosureMode"/>).</summary>
    public ClosureMode Closure { get; init; }
    public string? ClosureReason { get; init; }
}

/// <summary>Per-table outcome of an export or import.</summary>
public sealed record TableReport
{
    public required string Table { get; init; }
    public long Rows { get; init; }
    public long Bytes { get; init; }
    public TimeSpan Elapsed { get; init; }

    /// <summary>Why the table is included: <c>root</c>, <c>child of …</c>, <c>parent of …</c>.</summary>
    public string? Reason { get; init; }

    /// <summary>The table this one hangs under in the tree (null for roots).</summary>
    public string? TreeParent { get; init; }

    /// <summary>What the reason leaves unexplained: rows a root's filter did not select, self-references, FK cycles.</summary>
    public string? Note { get; init; }
}
