using PgSeed.Engine.Catalog;

namespace PgSeed.Engine.Export;

/// <summary>
/// Dependency order for loading: referenced tables before referencing ones. Cycles are broken at the
/// FKs that are cheapest to satisfy later — self-references (one statement loads them), then
/// deferrable FKs, then nullable ones — and ties go by name, so the order is deterministic.
/// </summary>
public static class ImportOrder
{
    public static IReadOnlyList<TableName> Sort(IReadOnlyList<TableName> tables, IReadOnlyList<ForeignKeyInfo> foreignKeys)
    {
        var set = tables.ToHashSet();
        var edges = foreignKeys.Where(f => f.Child != f.Parent && set.Contains(f.Child) && set.Contains(f.Parent)).ToList();
        var remaining = new SortedSet<TableName>(tables);
        var result = new List<TableName>();
        var active = new List<ForeignKeyInfo>(edges);
        while (remaining.Count > 0)
        {
            // Tables with no unloaded parents, smallest name first.
            var ready = remaining.Where(t => !active.Any(e => e.Child == t && remaining.Contains(e.Parent))).ToList();
            if (ready.Count > 0)
            {
                var next = ready.Min();
                result.Add(next);
                remaining.Remove(next);
                continue;
            }
            // A cycle: drop the weakest edge among the remaining tables and try again.
            var weakest = active.Where(e => remaining.Contains(e.Child) && remaining.Contains(e.Parent))
                .OrderBy(e => e.Deferrable ? 0 : !e.Mandatory ? 1 : 2)
                .ThenBy(e => e.Child).ThenBy(e => e.Name, StringComparer.Ordinal)
                .First();
            active.Remove(weakest);
        }
        return result;
    }
}
