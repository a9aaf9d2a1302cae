namespace PgSeed.Engine.Diff;

/// <summary>
/// The few rows a diff lists per kind (added, removed, changed). In key order the first ones are kept; when rows
/// arrive in no particular order (the hashed comparison), the ones with the smallest text are kept, so the list
/// is still the same on every run.
/// </summary>
internal sealed class RowSamples<T>(int cap, bool keepSmallest)
{
    private readonly List<(string Sort, T Item)> _items = new();

    public void Add(string sortText, Func<T> item)
    {
        if (cap <= 0) return;
        if (_items.Count < cap)
        {
            _items.Add((sortText, item()));
            return;
        }
        if (!keepSmallest) return;
        var largest = 0;
        for (var i = 1; i < _items.Count; i++)
            if (string.CompareOrdinal(_items[i].Sort, _items[largest].Sort) > 0) largest = i;
        if (string.CompareOrdinal(sortText, _items[largest].Sort) < 0) _items[largest] = (sortText, item());
    }

    public IReadOnlyList<T> ToList() => keepSmallest
        ? _items.OrderBy(i => i.Sort, StringComparer.Ordinal).Select(i => i.Item).ToList()
        : _items.Select(i => i.Item).ToList();
}
