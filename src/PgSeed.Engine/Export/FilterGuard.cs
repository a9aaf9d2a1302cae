using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Export;

/// <summary>
/// First line of defence for user SQL (filters, raw queries, where rules): exactly one statement.
/// The export also runs READ ONLY, so a write hidden in a function or CTE fails in the server too.
/// </summary>
internal static class FilterGuard
{
    /// <summary>Returns the SQL without a trailing semicolon; rejects any other top-level semicolon.</summary>
    public static string SingleStatement(string sql, string what, string? table)
    {
        var trimmed = sql.Trim();
        while (trimmed.EndsWith(';')) trimmed = trimmed[..^1].TrimEnd();
        var at = TopLevelSemicolon(trimmed);
        if (at >= 0)
            throw new PgSeedException(ErrorCode.FilterWrites,
                $"The {what} for {table} contains more than one SQL statement (';' at character {at + 1}). " +
                "A filter is a single read-only query fragment: WHERE / ORDER BY / LIMIT.") { Table = table, Position = at + 1 };
        return trimmed;
    }

    /// <summary>Index of the first ';' outside quotes, dollar quotes and comments, or -1.</summary>
    internal static int TopLevelSemicolon(string sql)
    {
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c == '\'' || c == '"')
            {
                var q = c;
                i++;
                while (i < sql.Length)
                {
                    if (sql[i] == q)
                    {
                        if (i + 1 < sql.Length && sql[i + 1] == q) { i += 2; continue; }
                        break;
                    }
                    i++;
                }
                i++;
            }
            else if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                while (i < sql.Length && sql[i] != '\n') i++;
            }
            else if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                var depth = 1;
                i += 2;
                while (i < sql.Length && depth > 0)
                {
                    if (sql[i] == '/' && i + 1 < sql.Length && sql[i + 1] == '*') { depth++; i += 2; }
                    else if (sql[i] == '*' && i + 1 < sql.Length && sql[i + 1] == '/') { depth--; i += 2; }
                    else i++;
                }
            }
            else if (c == '$')
            {
                var end = sql.IndexOf('$', i + 1);
                var tag = end > i ? sql[i..(end + 1)] : null;
                if (tag is not null && tag.Skip(1).SkipLast(1).All(ch => char.IsLetterOrDigit(ch) || ch == '_') && !char.IsDigit(tag.Length > 2 ? tag[1] : 'a'))
                {
                    var close = sql.IndexOf(tag, end + 1, StringComparison.Ordinal);
                    i = close < 0 ? sql.Length : close + tag.Length;
                }
                else i++;
            }
            else if (c == ';') return i;
            else i++;
        }
        return -1;
    }
}
