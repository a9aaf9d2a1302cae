namespace PgSeed.Engine.Shaping;

/// <summary>Comparison operators of structured where rules.</summary>
public enum WhereOperator
{
    /// <summary>Equal to the value (<c>=</c>).</summary>
    Eq,
    /// <summary>Not equal to the value (<c>&lt;&gt;</c>).</summary>
    Ne,
    /// <summary>Equal to one of the values.</summary>
    In,
    /// <summary>Equal to none of the values.</summary>
    NotIn,
    /// <summary>Greater than the value.</summary>
    Gt,
    /// <summary>Greater than or equal to the value.</summary>
    Gte,
    /// <summary>Less than the value.</summary>
    Lt,
    /// <summary>Less than or equal to the value.</summary>
    Lte,
    /// <summary>Matches the <c>LIKE</c> pattern.</summary>
    Like,
    /// <summary>Matches the <c>ILIKE</c> (case-insensitive) pattern.</summary>
    ILike,
    /// <summary>Is NULL (no value).</summary>
    IsNull,
    /// <summary>Is not NULL (no value).</summary>
    IsNotNull,
}

/// <summary>
/// One condition of a structured where rule, e.g. <c>created_at gte 2024-01-01</c>. Values are kept as text
/// and sent as parameters cast to the column's type; they are never spliced into SQL.
/// </summary>
public sealed record WhereCondition
{
    /// <summary>The column tested, unquoted.</summary>
    public required string Column { get; init; }
    /// <summary>The comparison.</summary>
    public required WhereOperator Operator { get; init; }

    /// <summary>One value for scalar operators, any number for <c>in</c> / <c>notIn</c>, none for the null tests.</summary>
    public IReadOnlyList<string?> Values { get; init; } = Array.Empty<string?>();
}
