namespace PgSeed.Engine.Catalog;

/// <summary>A table (plain or partitioned) with its columns, keys and foreign keys.</summary>
internal sealed class TableInfo
{
    public required TableName Name { get; init; }
    public required uint Oid { get; init; }
    public bool Partitioned { get; init; }

    /// <summary>Every partition below a partitioned table, at any depth, parents before their own partitions.</summary>
    public IReadOnlyList<PartitionInfo> Partitions { get; init; } = [];

    /// <summary>The partitions that hold rows (what <c>tableoid</c> of the table's rows can be).</summary>
    public IEnumerable<PartitionInfo> LeafPartitions => Partitions.Where(p => p.Leaf);

    /// <summary>The planner's row estimate (<c>pg_class.reltuples</c>); 0 or less when never analysed.</summary>
    public double EstimatedRows { get; init; }
    public required IReadOnlyList<ColumnInfo> Columns { get; init; }

    /// <summary>Primary key columns, empty when the table has none.</summary>
    public required IReadOnlyList<string> PrimaryKey { get; init; }

    /// <summary>Unique constraints (name and columns), used when there is no primary key.</summary>
    public required IReadOnlyList<(string Name, IReadOnlyList<string> Columns)> UniqueKeys { get; init; }

    /// <summary>Leading key columns of each valid, non-partial index (up to the first expression).</summary>
    public IReadOnlyList<IReadOnlyList<string>> IndexedColumns { get; init; } = [];

    /// <summary>Whether an index can look rows up by these columns (they lead some index, in any order).</summary>
    public bool HasIndexOn(IReadOnlyCollection<string> columns) =>
        IndexedColumns.Any(ix => ix.Count >= columns.Count && ix.Take(columns.Count).All(columns.Contains));

    /// <summary>FKs declared on this table (this table is the child).</summary>
    public List<ForeignKeyInfo> ForeignKeys { get; } = new();

    /// <summary>FKs of other tables (or this one) that reference this table.</summary>
    public List<ForeignKeyInfo> ReferencedBy { get; } = new();

    /// <summary>Columns written to and read from seeds: everything except generated columns.</summary>
    public IEnumerable<ColumnInfo> DataColumns => Columns.Where(c => !c.Generated);

    public ColumnInfo? Column(string name) => Columns.FirstOrDefault(c => c.Name == name);

    /// <summary>
    /// The columns that identify a row for subsetting: the primary key, else a unique constraint whose
    /// columns are all NOT NULL. Null when neither exists (the subset then keys rows by ctid).
    /// </summary>
    public IReadOnlyList<string>? RowKey
    {
        get
        {
            if (PrimaryKey.Count > 0) return PrimaryKey;
            foreach (var (_, cols) in UniqueKeys)
                if (cols.All(c => Column(c)?.NotNull == true)) return cols;
            return null;
        }
    }

    public override string ToString() => Name.Display;
}
