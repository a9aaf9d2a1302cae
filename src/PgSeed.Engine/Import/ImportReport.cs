using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Import;

/// <summary>What an import did: one entry per table, in load order.</summary>
public sealed record ImportReport
{
    public required IReadOnlyList<TableReport> Tables { get; init; }
    public required TimeSpan Elapsed { get; init; }
    public ImportMode Mode { get; init; }
    public bool DryRun { get; init; }
    public long TotalRows => Tables.Sum(t => t.Rows);
    public long TotalBytes => Tables.Sum(t => t.Bytes);
    public string Tree { get; init; } = "";

    /// <summary>FKs dropped before loading and re-added (validated) before commit, as <c>schema.table.fk</c>.</summary>
    public IReadOnlyList<string> DroppedForeignKeys { get; init; } = Array.Empty<string>();

    /// <summary>Deferrable FKs deferred to commit because the role could not drop them.</summary>
    public IReadOnlyList<string> DeferredForeignKeys { get; init; } = Array.Empty<string>();

    /// <summary>Tables outside the seed emptied by <c>TRUNCATE ... CASCADE</c>.</summary>
    public IReadOnlyList<string> CascadedTables { get; init; } = Array.Empty<string>();
}
