namespace PgSeed.Engine.Export;

/// <summary>
/// Per-table shaping applied inside the export's snapshot. <see cref="Table"/> may be a glob
/// (<c>public.*</c>, <c>audit_*</c>); see <see cref="Catalog.TablePattern"/>.
/// </summary>
public sealed record TableRule
{
    /// <summary>The table the rule applies to: a name or a glob (<c>public.*</c>).</summary>
    public required string Table { get; init; }

    /// <summary>
    /// Extra SQL condition on the table's rows (column names unqualified). Rows reached as parents of
    /// exported rows are kept even when they fail it, so the seed stays importable.
    /// </summary>
    public string? Where { get; init; }

    /// <summary>Values for <c>@name</c> placeholders in <see cref="Where"/> (sent as parameters, never spliced).</summary>
    public IReadOnlyDictionary<string, object?> WhereParameters { get; init; } = new Dictionary<string, object?>();

    /// <summary>Structured conditions (ANDed with <see cref="Where"/>); values are sent as parameters.</summary>
    public IReadOnlyList<Shaping.WhereCondition> Conditions { get; init; } = Array.Empty<Shaping.WhereCondition>();

    /// <summary>Column → ready-made masker (see <see cref="Shaping.MaskKind"/>); evaluated in the COPY query.</summary>
    public IReadOnlyDictionary<string, Shaping.ColumnMask> Masks { get; init; } = new Dictionary<string, Shaping.ColumnMask>();

    /// <summary>Column → SQL expression evaluated in the COPY query instead of the column's value.</summary>
    public IReadOnlyDictionary<string, string> Transforms { get; init; } = new Dictionary<string, string>();

    /// <summary>Columns left out of the CSV (the import then uses their defaults).</summary>
    public IReadOnlyList<string> Omit { get; init; } = Array.Empty<string>();
}

/// <summary>A relation the schema does not declare, followed like a real FK (e.g. a polymorphic audit table).</summary>
public sealed record VirtualForeignKey
{
    /// <summary>Referencing table (the child).</summary>
    public required string Table { get; init; }
    /// <summary>The referencing columns of <see cref="Table"/>.</summary>
    public required IReadOnlyList<string> Columns { get; init; }

    /// <summary>Referenced table (the parent).</summary>
    public required string References { get; init; }
    /// <summary>The referenced columns of <see cref="References"/>, in the order of <see cref="Columns"/>.</summary>
    public required IReadOnlyList<string> ReferencedColumns { get; init; }

    /// <summary>Name used in plans and <c>--exclude-edge</c>; defaults to <c>virtual_&lt;child&gt;_&lt;columns&gt;</c>.</summary>
    public string? Name { get; init; }
}
