using PgSeed.Engine.Catalog;

namespace PgSeed.Engine.Picture;

/// <summary>
/// Which FKs of a plan form cycles: a self-reference (a table referencing itself) or an FK between two tables of
/// the same strongly connected component (tables that reach each other through FKs, e.g. store ⇄ employee).
/// These are the rows and edges a tree cannot show, so the tree and the picture mark them.
/// </summary>
internal static class PlanCycles
{
    /// <summary>The FKs on a cycle, and for each table on a cycle the other tables of its cycle.</summary>
    public static (HashSet<ForeignKeyInfo> CycleEdges, Dictionary<TableName, List<TableName>> CycleMates) Find(
        IReadOnlyList<TableName> tables, IReadOnlyList<ForeignKeyInfo> edges)
    {
        var component = StronglyConnected(tables, edges);
        var cycleEdges = edges.Where(e => e.IsSelfReference || component[e.Child] == component[e.Parent]).ToHashSet();
        var mates = new Dictionary<TableName, List<TableName>>();
        foreach (var group in tables.GroupBy(t => component[t]).Where(g => g.Count() > 1))
            foreach (var t in group)
                mates[t] = group.Where(o => o != t).ToList();
        return (cycleEdges, mates);
    }

    /// <summary>Table → the number of its strongly connected component (self-references aside).</summary>
    private static Dictionary<TableName, int> StronglyConnected(IReadOnlyList<TableName> tables, IReadOnlyList<ForeignKeyInfo> edges)
    {
        var next = tables.ToDictionary(t => t, _ => new List<TableName>());
        foreach (var e in edges)
            if (next.TryGetValue(e.Child, out var parents) && next.ContainsKey(e.Parent) && !e.IsSelfReference) parents.Add(e.Parent);
        var component = new Dictionary<TableName, int>();
        var groups = StrongComponents.Find(tables, next);
        for (var g = 0; g < groups.Count; g++)
            foreach (var t in groups[g]) component[t] = g;
        return component;
    }
}
