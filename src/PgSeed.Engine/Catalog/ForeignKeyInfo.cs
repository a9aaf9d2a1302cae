namespace PgSeed.Engine.Catalog;

/// <summary>A foreign key: <see cref="Columns"/> of <see cref="Child"/> reference <see cref="ParentColumns"/> of <see cref="Parent"/>.</summary>
internal sealed record ForeignKeyInfo
{
    public required string Name { get; init; }
    public required TableName Child { get; init; }
    public required IReadOnlyList<string> Columns { get; init; }
    public required TableName Parent { get; init; }
    public required IReadOnlyList<string> ParentColumns { get; init; }
    public bool Deferrable { get; init; }
    public bool InitiallyDeferred { get; init; }

    /// <summary><c>pg_get_constraintdef()</c>: what re-creating the constraint takes.</summary>
    public required string Definition { get; init; }

    /// <summary>True when every FK column is NOT NULL (the reference always exists) in every row the FK applies to.</summary>
    public bool Mandatory { get; init; }

    /// <summary>Declared by the user, not by the schema: followed by the export, never touched by the import.</summary>
    public bool Virtual { get; init; }

    public bool IsSelfReference => Child == Parent;

    /// <summary>
    /// The partition of <see cref="Child"/> the constraint is declared on (FKs of partitions are attributed to the
    /// partitioned table the seed exports); null when it is declared on <see cref="Child"/> itself.
    /// </summary>
    public TableName? DeclaredOn { get; init; }

    /// <summary>The table whose constraint this is: what <c>ALTER TABLE ... DROP/ADD CONSTRAINT</c> names.</summary>
    public TableName ConstraintTable => DeclaredOn ?? Child;

    /// <summary>
    /// The constraints behind this FK. The same FK declared on several partitions is one FK for the export; the
    /// import drops, defers or re-adds each constraint on its own partition. Just this FK otherwise.
    /// </summary>
    public IReadOnlyList<ForeignKeyInfo> Constraints
    {
        get => _constraints ?? [this];
        init => _constraints = value;
    }
    private readonly IReadOnlyList<ForeignKeyInfo>? _constraints;

    /// <summary>
    /// Declared on some leaf partitions of <see cref="Child"/> but not all: the export still follows it for every row
    /// of the partitioned table (never fewer rows), so it is never treated as <see cref="Mandatory"/>.
    /// </summary>
    public bool Partial { get; init; }

    /// <summary><c>schema.table.fk_name</c>, the form <c>--exclude-edge</c> accepts (the table is the partition for an FK declared on one).</summary>
    public string Display => $"{ConstraintTable.Display}.{Sql.Identifier.QuoteIfNeeded(Name)}";

    public override string ToString() => Display;
}
