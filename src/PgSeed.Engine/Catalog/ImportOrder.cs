namespace PgSeed.Engine.Catalog;

/// <summary>
/// Dependency order for loading: referenced tables before referencing ones. Only a real cycle is broken, and
/// only at an FK on it (both ends in one strongly connected group of the tables still to place): the cheapest to
/// satisfy later — deferrable FKs, then nullable ones — ties by name, so the order is deterministic.
/// Self-references need no break (one statement loads them).
/// </summary>
internal static class ImportOrder
{
    /// <summary>The order, and the FKs whose parent loads after their child (each on a cycle).</summary>
    public sealed record Result(IReadOnlyList<TableName> Tables, IReadOnlyList<ForeignKeyInfo> BrokenForeignKeys);

    public static IReadOnlyList<TableName> Sort(IReadOnlyList<TableName> tables, IReadOnlyList<ForeignKeyInfo> foreignKeys) =>
        Order(tables, foreignKeys).Tables;

    public static Result Order(IReadOnlyList<TableName> tables, IReadOnlyList<ForeignKeyInfo> foreignKeys)
    {
        var set = tables.ToHashSet();
        var active = foreignKeys.Where(f => f.Child != f.Parent && set.Contains(f.Child) && set.Contains(f.Parent)).ToList();
        var remaining = new SortedSet<TableName>(tables);
        var result = new List<TableName>();
        var broken = new List<ForeignKeyInfo>();
        while (remaining.Count > 0)
        {
            // Tables with no unloaded parents, smallest name first.
            var ready = remaining.Where(t => !active.Any(e => e.Child == t && remaining.Contains(e.Parent))).ToList();
            if (ready.Count > 0)
            {
                var next = ready.Min()!;
                result.Add(next);
                remaining.Remove(next);
                continue;
            }
            // Every remaining table waits for a parent: some group of them is a cycle that nothing outside it feeds.
            // Break that group at its weakest FK; an FK leading into the group from elsewhere is never broken.
            var group = BlockingCycle(remaining, active);
            var weakest = active.Where(e => group.Contains(e.Child) && group.Contains(e.Parent))
                .OrderBy(e => e.Deferrable ? 0 : !e.Mandatory ? 1 : 2)
                .ThenBy(e => e.Child).ThenBy(e => e.Name, StringComparer.Ordinal)
                .First();
            active.Remove(weakest);
            broken.Add(weakest);
        }
        return new Result(result, broken);
    }

    /// <summary>
    /// A strongly connected group of the remaining tables that has no parent outside itself (one exists whenever
    /// no table is ready; with several, the one holding the smallest table name).
    /// </summary>
    private static HashSet<TableName> BlockingCycle(SortedSet<TableName> remaining, List<ForeignKeyInfo> active)
    {
        var parents = remaining.ToDictionary(t => t, t => active.Where(e => e.Child == t && remaining.Contains(e.Parent)).Select(e => e.Parent).Distinct().OrderBy(p => p).ToList());
        var groups = StrongComponents.Find(remaining, parents);
        var groupOf = new Dictionary<TableName, int>();
        for (var g = 0; g < groups.Count; g++) foreach (var t in groups[g]) groupOf[t] = g;
        return groups
            .Where(g => g.Count > 1 && g.All(t => parents[t].All(p => groupOf[p] == groupOf[t])))
            .OrderBy(g => g.Min())
            .First();
    }
}
