namespace PgSeed.Engine.Shaping;

/// <summary>Comparison operators of structured where rules.</summary>
public enum WhereOperator
{
    Eq, Ne, In, NotIn, Gt, Gte, Lt, Lte, Like, ILike, IsNull, IsNotNull,
}

/// <summary>
/// One condition of a structured where rule, e.g. <c>created_at gte 2024-01-01</c>. Values are kept as text
/// and sent as parameters cast to the column's type; they are never spliced into SQL.
/// </summary>
public sealed record WhereCondition
{
    public required string Column { get; init; }
    public required WhereOperator Operator { get; init; }

    /// <summary>One value for scalar operators, any number for <c>in</c> / <c>notIn</c>, none for the null tests.</summary>
    public IReadOnlyList<string?> Values { get; init; } = Array.Empty<string?>();
}
