namespace PgSeed.Testing.Reset;

/// <summary>
/// Parents before children by foreign key, so inserts can run in this order and deletes in reverse when FK
/// checks stay on. Self-references are ignored; a cycle is broken at its first table by name (the reset then
/// relies on deferred constraints or on FK checks being off).
/// </summary>
internal static class TableOrder
{
    public static IReadOnlyList<ResetTable> ParentsFirst(IReadOnlyList<ResetTable> tables)
    {
        var byName = tables.ToDictionary(t => t.Info.Name);
        var pending = new SortedDictionary<string, (ResetTable Table, HashSet<string> Parents)>(StringComparer.Ordinal);
        foreach (var t in tables)
        {
            var parents = t.Info.ForeignKeys
                .Where(fk => fk.Parent != t.Info.Name && byName.ContainsKey(fk.Parent))
                .Select(fk => fk.Parent.Display).ToHashSet();
            pending[t.Info.Name.Display] = (t, parents);
        }
        var ordered = new List<ResetTable>();
        while (pending.Count > 0)
        {
            var ready = pending.FirstOrDefault(p => p.Value.Parents.Count == 0);
            var next = ready.Value.Table is null ? pending.First() : ready; // cycle: break it deterministically
            pending.Remove(next.Key);
            ordered.Add(next.Value.Table);
            foreach (var p in pending.Values) p.Parents.Remove(next.Key);
        }
        return ordered;
    }
}
