namespace PgSeed.Engine.Catalog;

/// <summary>"Did you mean …?": the known names closest to a mistyped one (edit distance, case-insensitive).</summary>
internal static class NameSuggestions
{
    /// <summary>
    /// Up to <paramref name="max"/> names whose key is within a few edits of <paramref name="typed"/> (more for longer
    /// names), closest first, then by name; a key that contains the typed text or is contained in it counts as close too.
    /// </summary>
    public static IReadOnlyList<string> Closest(string typed, IEnumerable<(string Key, string Display)> candidates, int max = 3)
    {
        var t = typed.Replace("\"", "").ToLowerInvariant();
        if (t.Length == 0) return [];
        var limit = Math.Max(2, t.Length / 3);
        return candidates
            .Select(c => (c.Display, Key: c.Key.ToLowerInvariant()))
            .Select(c => (c.Display, Distance: Distance(t, c.Key) is var d && d <= limit ? d
                : t.Length >= 3 && (c.Key.Contains(t, StringComparison.Ordinal) || t.Contains(c.Key, StringComparison.Ordinal)) ? limit + 1
                : int.MaxValue))
            .Where(x => x.Distance != int.MaxValue)
            .OrderBy(x => x.Distance).ThenBy(x => x.Display, StringComparer.Ordinal)
            .Select(x => x.Display).Distinct().Take(max).ToList();
    }

    /// <summary>" Did you mean a, b or c?" or "" — ready to append to a message.</summary>
    public static string Hint(string typed, IEnumerable<(string Key, string Display)> candidates)
    {
        var closest = Closest(typed, candidates);
        return closest.Count switch
        {
            0 => "",
            1 => $" Did you mean {closest[0]}?",
            _ => $" Did you mean {string.Join(", ", closest.Take(closest.Count - 1))} or {closest[^1]}?",
        };
    }

    public static string Hint(string typed, IEnumerable<string> candidates) => Hint(typed, candidates.Select(c => (c, c)));

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions.</summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
