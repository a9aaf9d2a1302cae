namespace PgSeed.Engine.Catalog;

/// <summary>A foreign key: <see cref="Columns"/> of <see cref="Child"/> reference <see cref="ParentColumns"/> of <see cref="Parent"/>.</summary>
public sealed record ForeignKeyInfo
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

    /// <summary>True when every FK column is NOT NULL (the reference always exists).</summary>
    public bool Mandatory { get; init; }

    /// <summary>Declared by the user, not by the schema: followed by the export, never touched by the import.</summary>
    public bool Virtual { get; init; }

    public bool IsSelfReference => Child == Parent;

    /// <summary><c>schema.table.fk_name</c>, the form <c>--exclude-edge</c> accepts.</summary>
    public string Display => $"{Child.Display}.{Sql.Identifier.QuoteIfNeeded(Name)}";

    public override string ToString() => Display;
}
