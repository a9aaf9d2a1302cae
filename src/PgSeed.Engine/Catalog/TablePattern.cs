using System.Text.RegularExpressions;

namespace PgSeed.Engine.Catalog;

/// <summary>
/// Table names with globs: <c>*</c> any run of characters, <c>?</c> one character. Without a dot the
/// pattern matches the table name in any schema (<c>audit_*</c>); with one it matches schema and table
/// (<c>public.*</c>, <c>sales.order_*</c>). A pattern without wildcards resolves like any table name.
/// </summary>
internal static class TablePattern
{
    public static bool IsGlob(string pattern) => pattern.IndexOfAny(['*', '?']) >= 0;

    /// <summary>Every table the pattern names. A plain name must exist (PGSEED010); a glob may match nothing.</summary>
    public static IReadOnlyList<TableInfo> Match(DatabaseCatalog catalog, string pattern, string what = "table")
    {
        if (!IsGlob(pattern)) return new[] { catalog.Resolve(pattern, what) };
        var parts = Sql.Identifier.ParseQualified(pattern.Replace("*", "\u0001").Replace("?", "\u0002"));
        var table = ToRegex(parts[^1]);
        var schema = parts.Count == 2 ? ToRegex(parts[0]) : null;
        return catalog.Tables.Where(t => table.IsMatch(t.Name.Name) && (schema is null || schema.IsMatch(t.Name.Schema))).ToList();
    }

    private static Regex ToRegex((string Name, bool Quoted) part)
    {
        var body = Regex.Escape(part.Name).Replace("\u0001", ".*").Replace("\u0002", ".");
        return new Regex("^" + body + "$", part.Quoted ? RegexOptions.None : RegexOptions.IgnoreCase);
    }
}
