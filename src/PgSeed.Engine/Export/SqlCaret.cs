namespace PgSeed.Engine.Export;

/// <summary>
/// Points at a character of SQL the user wrote: the line holding it and a caret under it, the way psql does,
/// so an error says where in the user's own text it is rather than in the statement PgSeed built around it.
/// </summary>
internal static class SqlCaret
{
    /// <summary>
    /// " at character N of the filter" (with the line when the text has several) and the caret lines, indented.
    /// <paramref name="position"/> is 1-based; one past the end means "at the end".
    /// </summary>
    public static (string Where, string Picture) Describe(string text, int position, string what)
    {
        var index = Math.Clamp(position - 1, 0, text.Length);
        var lineStart = text.LastIndexOf('\n', Math.Max(0, index - 1)) is var nl && nl >= 0 && nl < index ? nl + 1 : 0;
        var lineEnd = text.IndexOf('\n', lineStart) is var e && e >= 0 ? e : text.Length;
        var lineNumber = text.Take(lineStart).Count(c => c == '\n') + 1;
        var line = text[lineStart..lineEnd].TrimEnd('\r');
        var column = index - lineStart;
        // Tabs keep their width in the caret line, so the caret stays under the character.
        var pad = new string(line.Take(column).Select(c => c == '\t' ? '\t' : ' ').ToArray());
        var where = text.Contains('\n')
            ? $" at line {lineNumber}, character {column + 1} of the {what}"
            : $" at character {position} of the {what}";
        return (where, $"\n    {line}\n    {pad}^");
    }
}
