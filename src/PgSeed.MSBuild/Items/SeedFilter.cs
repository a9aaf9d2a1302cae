using PgSeed.Engine.Diagnostics;

namespace PgSeed.MSBuild.Items;

/// <summary>
/// Applies <c>-p:PgSeedOnly=name1;name2</c>: keeps the items whose Include, folder name or Name metadata
/// matches one of the names (case-insensitive, '/' and '\' alike). A name that matches nothing is an error,
/// so a typo never silently exports nothing. In a solution run, a name may belong to another
/// project: the solution targets check that every name matched somewhere, from the names each project returns.
/// </summary>
internal static class SeedFilter
{
    public static IReadOnlyList<SeedItem> Apply(IReadOnlyList<SeedItem> items, string? only) => Apply(items, only, elsewhere: false, out _);

    /// <param name="items">The project's <c>PgSeed</c> items.</param>
    /// <param name="only">The <c>PgSeedOnly</c> names, separated by ';' or ','; empty: every item.</param>
    /// <param name="elsewhere">True in a solution run: names this project lacks are not an error here.</param>
    /// <param name="matched">The names (as given) that matched an item of this project.</param>
    public static IReadOnlyList<SeedItem> Apply(IReadOnlyList<SeedItem> items, string? only, bool elsewhere, out IReadOnlyList<string> matched)
    {
        var names = SeedItemParser.SplitList(only, SeedItemParser.ListSeparators);
        matched = names.Where(n => items.Any(i => Matches(i, n))).ToList();
        if (names.Count == 0) return items;
        var unmatched = names.Where(n => !items.Any(i => Matches(i, n))).ToList();
        if (unmatched.Count > 0 && !elsewhere)
            throw new PgSeedException(ErrorCode.NoMatchingSeedItem,
                $"PgSeedOnly names {string.Join(", ", unmatched.Select(n => $"'{n}'"))}, which match no PgSeed item. " +
                $"Declared: {(items.Count == 0 ? "none" : string.Join(", ", items.Select(i => $"'{i.Spec}'")))}.");
        return items.Where(i => names.Any(n => Matches(i, n))).ToList();
    }

    private static bool Matches(SeedItem item, string name) =>
        item.Aliases.Any(a => string.Equals(Normalize(a), Normalize(name), StringComparison.OrdinalIgnoreCase));

    private static string Normalize(string path) => path.Replace('\\', '/').Trim().TrimEnd('/');
}
