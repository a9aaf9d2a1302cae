namespace PgSeed.Engine.Catalog;

/// <summary>One column of a table as the catalog describes it.</summary>
internal sealed record ColumnInfo
{
    public required string Name { get; init; }
    public required int Number { get; init; }

    /// <summary><c>format_type()</c> text, e.g. <c>numeric(12,2)</c> or <c>public.mood</c>.</summary>
    public required string Type { get; init; }

    public required bool NotNull { get; init; }
    public required bool HasDefault { get; init; }

    /// <summary><c>'a'</c> GENERATED ALWAYS AS IDENTITY, <c>'d'</c> BY DEFAULT, else <c>'\0'</c>.</summary>
    public char Identity { get; init; }

    /// <summary>Stored generated column: never exported, never written.</summary>
    public bool Generated { get; init; }

    /// <summary>
    /// The sequence feeding this column, quoted for SQL, if any: the one its default calls <c>nextval()</c> on (owned
    /// by the column or not), else the one it owns (serial, identity).
    /// </summary>
    public string? Sequence { get; init; }

    public bool IsIdentityAlways => Identity == 'a';

    /// <summary>True when an INSERT may omit this column (it has a default, identity, or is nullable).</summary>
    public bool CanBeOmitted => !NotNull || HasDefault || Identity != '\0' || Generated;
}
