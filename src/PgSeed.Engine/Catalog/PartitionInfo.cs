namespace PgSeed.Engine.Catalog;

/// <summary>
/// A partition of a partitioned table (at any depth). Partitions are not tables of their own for PgSeed: their
/// rows are exported, and imported, through the partitioned table at the top of the tree (PostgreSQL routes them).
/// </summary>
/// <param name="Name">The partition.</param>
/// <param name="Oid">Its pg_class oid (what <c>tableoid</c> holds for its rows when it is a leaf).</param>
/// <param name="Parent">The table it is attached to (the root, or a partitioned partition).</param>
/// <param name="Leaf">False for a partition that is partitioned itself (it holds no rows).</param>
internal sealed record PartitionInfo(TableName Name, uint Oid, TableName Parent, bool Leaf)
{
    /// <summary>A foreign table attached as a partition (its rows live elsewhere; no constraints or transition tables).</summary>
    public bool Foreign { get; init; }
}
