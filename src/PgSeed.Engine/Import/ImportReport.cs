using PgSeed.Engine.Export;

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
}
