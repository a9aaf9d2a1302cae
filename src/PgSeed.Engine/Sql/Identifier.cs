using System.Text;

namespace PgSeed.Engine.Sql;

/// <summary>Identifier quoting. Every identifier PgSeed puts into SQL goes through <see cref="Quote"/>.</summary>
public static class Identifier
{
    /// <summary>Always double-quotes, doubling embedded quotes: <c>a"b</c> becomes <c>"a""b"</c>.</summary>
    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";

    /// <summary>A SQL string literal with embedded quotes doubled (standard_conforming_strings is on since PG 9.1).</summary>
    public static string Literal(string value) => "'" + value.Replace("'", "''") + "'";

    /// <summary>Quotes only when PostgreSQL would need it (for display, not for SQL we execute).</summary>
    internal static string QuoteIfNeeded(string name)
    {
        if (name.Length == 0) return Quote(name);
        var simple = (name[0] is >= 'a' and <= 'z' or '_') &&
                     name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_' or '$');
        return simple && !ReservedWords.Contains(name) ? name : Quote(name);
    }

    /// <summary>Quoted, comma-separated column list.</summary>
    internal static string List(IEnumerable<string> names) => string.Join(", ", names.Select(Quote));

    /// <summary>Quoted, comma-separated column list with a table alias: <c>t."a", t."b"</c>.</summary>
    internal static string List(string alias, IEnumerable<string> names) =>
        string.Join(", ", names.Select(n => alias + "." + Quote(n)));

    /// <summary>All but the last of <paramref name="parts"/> (from <see cref="ParseQualified"/>) as a qualified name again, quoted where they were: the table of <c>[schema.]table.column</c> or <c>[schema.]table.fk</c>.</summary>
    internal static string QualifierOf(IReadOnlyList<(string Name, bool Quoted)> parts) =>
        string.Join(".", parts.Take(parts.Count - 1).Select(p => p.Quoted ? Quote(p.Name) : p.Name));

    /// <summary>
    /// Parses a possibly schema-qualified, possibly quoted name such as <c>public."Order"</c> into parts.
    /// Returns each part with a flag telling whether it was quoted (quoted parts match exactly).
    /// </summary>
    internal static IReadOnlyList<(string Name, bool Quoted)> ParseQualified(string text, int maxParts = 2)
    {
        var parts = new List<(string, bool)>();
        var sb = new StringBuilder();
        var i = 0;
        text = text.Trim();
        while (i <= text.Length)
        {
            if (i < text.Length && text[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= text.Length) throw new FormatException($"Unterminated quoted identifier in '{text}'.");
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"') { sb.Append('"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    sb.Append(text[i++]);
                }
                if (i < text.Length && text[i] != '.') throw new FormatException($"Unexpected character after quoted identifier in '{text}'.");
                parts.Add((sb.ToString(), true));
                sb.Clear();
                i++; // skip '.' or run past the end
                continue;
            }
            var start = i;
            while (i < text.Length && text[i] != '.') i++;
            var part = text[start..i].Trim();
            if (part.Length == 0) throw new FormatException($"Empty name part in '{text}'.");
            parts.Add((part, false));
            i++;
        }
        if (parts.Count < 1 || parts.Count > maxParts)
            throw new FormatException(maxParts == 2 ? $"'{text}' is not a table name (expected table or schema.table)." : $"'{text}' has too many name parts.");
        return parts;
    }

    // PostgreSQL's reserved key words (those quote_ident quotes). Display only.
    private static readonly HashSet<string> ReservedWords = new(StringComparer.Ordinal)
    {
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "between", "bigint",
        "binary", "bit", "boolean", "both", "case", "cast", "char", "character", "check", "coalesce", "collate", "collation",
        "column", "concurrently", "constraint", "create", "cross", "current_catalog", "current_date", "current_role",
        "current_schema", "current_time", "current_timestamp", "current_user", "dec", "decimal", "default", "deferrable",
        "desc", "distinct", "do", "else", "end", "except", "exists", "extract", "false", "fetch", "float", "for", "foreign",
        "freeze", "from", "full", "grant", "greatest", "group", "grouping", "having", "ilike", "in", "initially", "inner",
        "inout", "int", "integer", "intersect", "interval", "into", "is", "isnull", "join", "json", "lateral", "leading", "least",
        "left", "like", "limit", "localtime", "localtimestamp", "national", "natural", "nchar", "none", "normalize", "not",
        "notnull", "null", "nullif", "numeric", "offset", "on", "only", "or", "order", "out", "outer", "overlaps", "overlay",
        "placing", "position", "precision", "primary", "real", "references", "returning", "right", "row", "select",
        "session_user", "setof", "similar", "smallint", "some", "substring", "symmetric", "system_user", "table", "tablesample",
        "then", "time", "timestamp", "to", "trailing", "treat", "trim", "true", "union", "unique", "user", "using", "values",
        "varchar", "variadic", "verbose", "when", "where", "window", "with", "xmlattributes", "xmlconcat", "xmlelement",
        "xmlexists", "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot", "xmlserialize", "xmltable",
    };
}
