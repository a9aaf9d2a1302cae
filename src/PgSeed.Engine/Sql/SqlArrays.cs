using System.Text;

namespace PgSeed.Engine.Sql;

/// <summary>
/// Array literals of values given as their text: <c>'{"a","b\"c"}'::text[]</c>, for statements that cannot take
/// parameters (<c>COPY (SELECT ...)</c>). Each element is double-quoted with <c>\</c> and <c>"</c> escaped, so any text
/// survives array_in; the literal assumes standard_conforming_strings (on since PostgreSQL 9.1).
/// </summary>
internal static class SqlArrays
{
    public static string Literal(IEnumerable<string> values, string elementType)
    {
        var sb = new StringBuilder("'{");
        var first = true;
        foreach (var v in values)
        {
            if (!first) sb.Append(',');
            first = false;
            sb.Append('"');
            foreach (var ch in v)
            {
                if (ch is '\\' or '"') sb.Append('\\');
                else if (ch == '\'') sb.Append('\'');
                sb.Append(ch);
            }
            sb.Append('"');
        }
        return sb.Append("}'::").Append(elementType).Append("[]").ToString();
    }

    /// <summary>A statement for the log: one holding long literals (the client closure's keys) is cut in the middle.</summary>
    public static string Abbreviate(string sql) =>
        sql.Length <= 4000 ? sql : $"{sql[..1500]} ... ({sql.Length - 2000:N0} characters of keys) ... {sql[^500..]}";
}
