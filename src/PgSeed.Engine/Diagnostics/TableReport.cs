namespace PgSeed.Engine.Diagnostics;

/// <summary>Per-table outcome of an export or import.</summary>
public sealed record TableReport
{
    /// <summary>The table, schema-qualified as it is displayed.</summary>
    public required string Table { get; init; }
    /// <summary>Rows written or loaded.</summary>
    public long Rows { get; init; }
    /// <summary>Bytes of CSV written or read.</summary>
    public long Bytes { get; init; }
    /// <summary>Time spent on the table.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Why the table is included: <c>root</c>, <c>child of …</c>, <c>parent of …</c>.</summary>
    public string? Reason { get; init; }

    /// <summary>The table this one hangs under in the tree (null for roots).</summary>
    public string? TreeParent { get; init; }

    /// <summary>What the reason leaves unexplained: rows a root's filter did not select, self-references, FK cycles.</summary>
    public string? Note { get; init; }
}
