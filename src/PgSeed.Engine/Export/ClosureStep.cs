using PgSeed.Engine.Catalog;

namespace PgSeed.Engine.Export;

/// <summary>
/// A step of a closure round: one FK followed in one direction, from the rows <paramref name="Source"/> gained in the
/// previous round to rows of <paramref name="Target"/>. <paramref name="Sql"/> is the server closure's statement; the
/// client closure builds its own query from the same facts (<see cref="ClientClosureSql"/>).
/// </summary>
internal sealed record ClosureStep(string Sql, PlannedTable Source, PlannedTable Target, IReadOnlyDictionary<string, object?> Parameters,
    ForeignKeyInfo Fk, bool Downward)
{
    /// <summary>The child step by key array (<see cref="ClosureSql.ChildStepByKeys"/>), where the FK allows it.</summary>
    public string? ByKeysSql { get; init; }

    /// <summary>
    /// The one step of a table reached only as a parent of complete tables (<see cref="PlannedTable.FromCompleteTablesOnly"/>):
    /// every FK into it from those tables.
    /// </summary>
    public IReadOnlyList<ForeignKeyInfo>? FromCompleteTables { get; init; }
}

/// <summary>What one round runs: a step, or several child steps into one table merged into one scan.</summary>
internal sealed record ClosureStatement(string Sql, IReadOnlyDictionary<string, object?> Parameters, IReadOnlyList<ClosureStep> Steps)
{
    public PlannedTable Target => Steps[0].Target;
}
