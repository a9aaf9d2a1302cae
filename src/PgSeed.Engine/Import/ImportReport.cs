using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Import;

/// <summary>What an import did: one entry per table, in load order.</summary>
public sealed record ImportReport
{
    /// <summary>One entry per loaded table, in load order.</summary>
    public required IReadOnlyList<TableReport> Tables { get; init; }
    /// <summary>Wall-clock time of the whole import.</summary>
    public required TimeSpan Elapsed { get; init; }
    /// <summary>How rows already in the target were treated.</summary>
    public ImportMode Mode { get; init; }
    /// <summary>The plan was printed; nothing was written.</summary>
    public bool DryRun { get; init; }
    /// <summary>Rows loaded, summed over <see cref="Tables"/>.</summary>
    public long TotalRows => Tables.Sum(t => t.Rows);
    /// <summary>CSV bytes read, summed over <see cref="Tables"/>.</summary>
    public long TotalBytes => Tables.Sum(t => t.Bytes);
    /// <summary>The summary tree, ready to print.</summary>
    public string Tree { get; init; } = "";

    /// <summary>FKs dropped before loading and re-added (validated) before commit, as <c>schema.table.fk</c>.</summary>
    public IReadOnlyList<string> DroppedForeignKeys { get; init; } = Array.Empty<string>();

    /// <summary>Deferrable FKs deferred to commit because the role could not drop them.</summary>
    public IReadOnlyList<string> DeferredForeignKeys { get; init; } = Array.Empty<string>();

    /// <summary>Tables outside the seed emptied by <c>TRUNCATE ... CASCADE</c>.</summary>
    public IReadOnlyList<string> CascadedTables { get; init; } = Array.Empty<string>();
}
