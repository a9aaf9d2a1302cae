namespace PgSeed.Engine.Catalog;

/// <summary>What <c>pgseed list</c> shows about one table: size, keys, relations and columns that look personal.</summary>
internal sealed record TableOverview
{
    /// <summary>Display name, e.g. <c>public."GiftCard"</c>.</summary>
    public required string Name { get; init; }
    public required string Schema { get; init; }
    public required string Table { get; init; }
    public bool Partitioned { get; init; }

    /// <summary>The planner's estimate (<c>reltuples</c>, partitions summed); null when the table was never analysed.</summary>
    public long? EstimatedRows { get; init; }

    /// <summary>Table, indexes and TOAST (<c>pg_total_relation_size</c>, partitions summed).</summary>
    public long SizeBytes { get; init; }

    /// <summary>Primary key columns; empty when there is none.</summary>
    public required IReadOnlyList<string> PrimaryKey { get; init; }

    /// <summary>FKs of this table (it references other tables).</summary>
    public required IReadOnlyList<ForeignKeyOverview> ForeignKeys { get; init; }

    /// <summary>FKs of other tables (or this one) referencing it.</summary>
    public required IReadOnlyList<ForeignKeyOverview> ReferencedBy { get; init; }

    /// <summary>Columns the personal-data lint flags by name or type (values are not read).</summary>
    public required IReadOnlyList<PersonalColumn> PersonalData { get; init; }
}

/// <summary>An FK as <c>pgseed list</c> shows it.</summary>
internal sealed record ForeignKeyOverview(string Name, string Table, IReadOnlyList<string> Columns, string References, IReadOnlyList<string> ReferencedColumns);

/// <summary>A column that looks personal, and what it looks like (email, name, phone, ...).</summary>
internal sealed record PersonalColumn(string Column, string Kind);
