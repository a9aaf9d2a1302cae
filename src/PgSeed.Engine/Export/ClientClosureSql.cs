using PgSeed.Engine.Catalog;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Export;

/// <summary>
/// The SQL of the client closure (<see cref="ClientClosureStore"/>): the same steps as <see cref="ClosureSql"/>, as plain
/// SELECTs returning each found row's key and the columns later steps read (its payload), all as text; the rows a step
/// starts from are sent as text array parameters cast to their columns' types. Nothing is written on the server.
/// </summary>
internal static class ClientClosureSql
{
    /// <summary>Key columns of a stored row: the row key, or <c>tableoid, ctid</c> for a keyless table.</summary>
    public static int KeyCount(PlannedTable t) => t.UsesCtid ? 2 : t.KeyColumns!.Count;

    /// <summary>Position of <paramref name="column"/> in a stored row (key columns, then payload).</summary>
    public static int StoredIndex(PlannedTable t, string column)
    {
        if (!t.UsesCtid)
            for (var i = 0; i < t.KeyColumns!.Count; i++)
                if (t.KeyColumns[i] == column) return i;
        var p = t.Payload.IndexOf(column);
        if (p < 0) throw new InvalidOperationException($"{t.Name.Display}.{column} is not carried in the client closure");
        return KeyCount(t) + p;
    }

    /// <summary>Key and payload expressions of a row alias, as they are (to compare) or as text (to read).</summary>
    private static List<string> Values(PlannedTable t, string alias, bool asText, bool ctidColumns = false)
    {
        var keys = ctidColumns ? new[] { $"{alias}.pgseed_tableoid", $"{alias}.pgseed_ctid" } : t.KeyExpressions(alias);
        return keys.Concat(t.Payload.Select(c => $"{alias}.{Identifier.Quote(c)}"))
            .Select(v => asText ? v + "::text" : v).ToList();
    }

    private static List<string> Names(PlannedTable t) =>
        Enumerable.Range(0, KeyCount(t) + t.Payload.Count).Select(i => $"pgseed_c{i}").ToList();

    /// <summary>A root's rows (see <see cref="ClosureSql.RootSelect"/>), read as text.</summary>
    public static string Root(PlannedRoot root)
    {
        var t = root.Table;
        var names = Names(t);
        var select = ClosureSql.RootSelect(root, alias => Values(t, alias, asText: false), names, names.Take(KeyCount(t)).ToList());
        return $"SELECT {string.Join(", ", names.Select(n => "pgseed_s." + n + "::text"))} FROM (\n{select}\n) AS pgseed_s({string.Join(", ", names)}, {ClosureSql.Descendant}, {ClosureSql.Round})";
    }

    /// <summary>The parameter holding column <paramref name="column"/> of the values step <paramref name="step"/> starts from.</summary>
    public static string Parameter(int step, int column) => $"pgseed_a{step}_{column}";

    /// <summary><c>(columns) IN (SELECT * FROM unnest(@p0::text[]::type0[], ...))</c>: rows matching the sent value tuples.</summary>
    private static string In(IEnumerable<string> columns, IReadOnlyList<string> types, int step) =>
        $"({string.Join(", ", columns)}) IN (SELECT * FROM unnest({string.Join(", ", types.Select((ty, i) => $"@{Parameter(step, i)}::text[]::{ty}[]"))}))";

    /// <summary>
    /// Child steps into one table (several when merged): rows referencing a complete parent, or the parent rows whose
    /// referenced values are sent (typed as the parent's columns).
    /// </summary>
    public static string ChildStep(IReadOnlyList<ClosureStep> steps)
    {
        var child = steps[0].Target;
        var tests = steps.Select((s, i) => s.Source.All
            ? ClosureSql.ReferencesCompleteParent(s.Fk)
            : In(s.Fk.Columns.Select(c => "c." + Identifier.Quote(c)), s.Fk.ParentColumns.Select(pc => s.Source.Info.Column(pc)!.Type).ToList(), i));
        var ctidRows = child.UsesCtid && child.Where is not null;
        return $"SELECT {string.Join(", ", Values(child, "c", asText: true, ctidRows))}\nFROM {ClosureSql.ChildRows(child)}\n" +
               $"WHERE {(steps.Count == 1 ? tests.Single() : string.Join("\n   OR ", tests.Select(t => $"({t})")))}";
    }

    /// <summary>A parent step: rows referenced by a complete child table, by complete tables, or by the sent FK values (typed as the child's columns).</summary>
    public static string ParentStep(ClosureStep step)
    {
        var parent = step.Target;
        var test = step.FromCompleteTables is { } fks ? ClosureSql.ReferencedByCompleteTables(fks)
            : step.Source.All ? ClosureSql.ReferencedByCompleteChild(step.Fk)
            : In(step.Fk.ParentColumns.Select(pc => "p." + Identifier.Quote(pc)), step.Fk.Columns.Select(c => step.Source.Info.Column(c)!.Type).ToList(), 0);
        return $"SELECT {string.Join(", ", Values(parent, "p", asText: true))}\nFROM {parent.Name.Sql} p\nWHERE {test}";
    }

    /// <summary>The types of a table's key columns, for array literals.</summary>
    public static IReadOnlyList<string> KeyTypes(PlannedTable t) =>
        t.UsesCtid ? ["oid", "tid"] : t.KeyColumns!.Select(c => t.Info.Column(c)!.Type).ToList();

    /// <summary>
    /// <c>FROM</c> text for the rows of <paramref name="t"/> whose <paramref name="columns"/> take one of the value tuples
    /// given as array literals (one per column): <c>= ANY (...)</c> for one indexed column (an index scan in key order),
    /// else <c>IN (SELECT * FROM unnest(...))</c>, which the planner may hash (a long array in a filter is searched per row
    /// before PostgreSQL 14).
    /// </summary>
    public static string RowsMatching(PlannedTable t, string alias, IReadOnlyList<string> columns, IReadOnlyList<string> literals, bool indexed) =>
        columns.Count == 1 && indexed
            ? $"{t.Name.Sql} {alias} WHERE {columns[0]} = ANY ({literals[0]})"
            : $"{t.Name.Sql} {alias} WHERE ({string.Join(", ", columns)}) IN (SELECT * FROM unnest({string.Join(", ", literals)}))";
}
