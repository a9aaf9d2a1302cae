using System.Text.Json.Serialization;

namespace PgSeed.Engine.Seed;

/// <summary>
/// A table rule as recorded in the manifest's definition. Masks keep their kind and, for <c>fixed</c>, the
/// replacement; a salt is a secret and is never recorded, only whether one was used (<see cref="SeedMask.Salted"/>).
/// </summary>
public sealed record SeedRule
{
    /// <summary>Table name or glob, as the definition wrote it.</summary>
    public required string Table { get; init; }

    /// <summary>The rule's SQL condition, as written.</summary>
    public string? Where { get; init; }

    /// <summary>Values of <c>@name</c> placeholders in <see cref="Where"/> (JSON scalars).</summary>
    public IReadOnlyDictionary<string, object?>? Parameters { get; init; }

    /// <summary>The rule's structured conditions.</summary>
    public IReadOnlyList<SeedCondition>? Conditions { get; init; }

    /// <summary>Column → masker, in column-name order.</summary>
    public IReadOnlyDictionary<string, SeedMask>? Masks { get; init; }

    /// <summary>Column → SQL expression, in column-name order.</summary>
    public IReadOnlyDictionary<string, string>? Transforms { get; init; }

    /// <summary>Columns left out of the CSV.</summary>
    public IReadOnlyList<string>? Omit { get; init; }
}

/// <summary>A masker: <c>fixed</c>, <c>null</c>, <c>hash</c>, <c>email</c>, <c>name</c>, <c>firstName</c>, <c>lastName</c>, <c>phone</c>.</summary>
public sealed record SeedMask
{
    /// <summary>The masker's name.</summary>
    public required string Mask { get; init; }

    /// <summary>The replacement of a <c>fixed</c> masker.</summary>
    public string? Value { get; init; }

    /// <summary>A salt was mixed in: re-computing the values needs the seed definition file (its salt), not just the manifest.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Salted { get; init; }
}

/// <summary>One structured where condition: column, operator (<c>eq</c>, <c>in</c>, <c>isNull</c>, ...), values as text.</summary>
public sealed record SeedCondition
{
    /// <summary>The column the condition tests.</summary>
    public required string Column { get; init; }
    /// <summary>The operator's name (<c>eq</c>, <c>in</c>, <c>isNull</c>, ...).</summary>
    public required string Operator { get; init; }
    /// <summary>The values, as text (none for the null tests).</summary>
    public IReadOnlyList<string?> Values { get; init; } = Array.Empty<string?>();
}

/// <summary>A virtual FK as recorded: child table and columns, referenced table and columns.</summary>
public sealed record SeedVirtualForeignKey
{
    /// <summary>The name given to the relation, if any.</summary>
    public string? Name { get; init; }
    /// <summary>The referencing (child) table.</summary>
    public required string Table { get; init; }
    /// <summary>The referencing columns.</summary>
    public required IReadOnlyList<string> Columns { get; init; }
    /// <summary>The referenced (parent) table.</summary>
    public required string References { get; init; }
    /// <summary>The referenced columns, in the order of <see cref="Columns"/>.</summary>
    public required IReadOnlyList<string> ReferencedColumns { get; init; }
}
