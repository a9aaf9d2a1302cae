namespace PgSeed.Engine.Upgrade;

/// <summary>
/// Splits a SQL script into statements at top-level semicolons, skipping those inside quotes (<c>'...'</c>,
/// <c>E'...'</c>, <c>"..."</c>, <c>$tag$...$tag$</c>), comments (<c>--</c>, nested <c>/* */</c>) and SQL-standard
/// function bodies (<c>BEGIN ATOMIC ... END</c>). Each statement keeps its offset in the script, so an error can be
/// reported at a line of the file.
/// </summary>
internal static class SqlStatements
{
    public static IEnumerable<(int Offset, string Text)> Split(string script)
    {
        var start = 0;
        var atomic = 0; // open BEGIN ATOMIC bodies
        var cases = 0;  // open CASE expressions inside them (their END is not the body's)
        var code = false; // the current statement has more than whitespace and comments
        var i = 0;
        while (i < script.Length)
        {
            var c = script[i];
            if (c == '-' && At(script, i, "--")) { i = Skip(script, script.IndexOf('\n', i), script.Length); continue; }
            if (c == '/' && At(script, i, "/*")) { i = SkipComment(script, i); continue; }
            if (c == ';' && atomic == 0)
            {
                if (code) yield return Trimmed(script, start, i);
                start = i + 1;
                code = false;
                i++;
                continue;
            }
            if (!char.IsWhiteSpace(c)) code = true;
            if (c == '\'')
            {
                var escapes = i > 0 && (script[i - 1] is 'E' or 'e') && (i < 2 || !IsWord(script[i - 2]));
                i = SkipQuoted(script, i, '\'', escapes);
                continue;
            }
            if (c == '"') { i = SkipQuoted(script, i, '"', false); continue; }
            if (c == '$' && DollarTag(script, i) is { } tag)
            {
                var end = script.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                i = end < 0 ? script.Length : end + tag.Length;
                continue;
            }
            if (IsWord(c) && (i == 0 || !IsWord(script[i - 1])))
            {
                var j = i;
                while (j < script.Length && IsWord(script[j])) j++;
                var word = script[i..j];
                if (word.Equals("ATOMIC", StringComparison.OrdinalIgnoreCase) && PreviousWord(script, i).Equals("BEGIN", StringComparison.OrdinalIgnoreCase)) atomic++;
                else if (atomic > 0 && word.Equals("CASE", StringComparison.OrdinalIgnoreCase)) cases++;
                else if (atomic > 0 && word.Equals("END", StringComparison.OrdinalIgnoreCase))
                {
                    if (cases > 0) cases--;
                    else atomic--;
                }
                i = j;
                continue;
            }
            i++;
        }
        if (code) yield return Trimmed(script, start, script.Length);
    }

    private static (int, string) Trimmed(string script, int start, int end)
    {
        while (start < end && char.IsWhiteSpace(script[start])) start++;
        return (start, script[start..end]);
    }

    private static bool IsWord(char c) => char.IsLetterOrDigit(c) || c == '_';

    private static bool At(string s, int i, string token) => string.CompareOrdinal(s, i, token, 0, token.Length) == 0;

    private static int Skip(string s, int found, int fallback) => found < 0 ? fallback : found + 1;

    private static int SkipComment(string s, int i)
    {
        var depth = 0;
        while (i < s.Length)
        {
            if (At(s, i, "/*")) { depth++; i += 2; }
            else if (At(s, i, "*/")) { depth--; i += 2; if (depth == 0) return i; }
            else i++;
        }
        return i;
    }

    private static int SkipQuoted(string s, int i, char quote, bool backslashEscapes)
    {
        i++;
        while (i < s.Length)
        {
            if (backslashEscapes && s[i] == '\\') { i += 2; continue; }
            if (s[i] == quote)
            {
                if (i + 1 < s.Length && s[i + 1] == quote) { i += 2; continue; }
                return i + 1;
            }
            i++;
        }
        return i;
    }

    /// <summary><c>$$</c> or <c>$name$</c> starting at <paramref name="i"/> (not a positional parameter like <c>$1</c>).</summary>
    private static string? DollarTag(string s, int i)
    {
        if (i > 0 && IsWord(s[i - 1])) return null;
        var j = i + 1;
        while (j < s.Length && (char.IsLetter(s[j]) || s[j] == '_' || (j > i + 1 && char.IsDigit(s[j])))) j++;
        return j < s.Length && s[j] == '$' ? s[i..(j + 1)] : null;
    }

    private static string PreviousWord(string s, int i)
    {
        var end = i;
        while (end > 0 && char.IsWhiteSpace(s[end - 1])) end--;
        var start = end;
        while (start > 0 && IsWord(s[start - 1])) start--;
        return s[start..end];
    }
}
