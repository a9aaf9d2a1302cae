using PgSeed.Engine.Export;

namespace PgSeed.Cli.Commands;

/// <summary>
/// The <c>pgseed export</c> command line that re-creates a seed, for its README. Rebuilt from the request (not the raw
/// arguments), so it holds no connection string and comes out the same however the options were spelled.
/// </summary>
internal static class RefreshCommandLine
{
    public static string ForOptions(ExportRequest request)
    {
        var parts = new List<string> { "pgseed", "export" };
        var main = request.Roots[0];
        parts.AddRange(["--table", Quote(main.Table)]);
        if (main.Filter is not null) parts.AddRange(["--filter", Quote(main.Filter)]);
        if (main.Raw is not null) parts.AddRange(["--raw", Quote(main.Raw)]);
        foreach (var include in request.Roots.Skip(1))
            parts.AddRange(["--include", Quote(include.Filter is null ? include.Table : $"{include.Table}:{include.Filter}")]);
        if (request.Children == ChildrenMode.None) parts.AddRange(["--children", "none"]);
        foreach (var edge in request.ExcludedEdges) parts.AddRange(["--exclude-edge", Quote(edge)]);
        foreach (var schema in request.Schemas) parts.AddRange(["--schema", Quote(schema)]);
        foreach (var allowed in request.AllowPii) parts.AddRange(["--allow-pii", Quote(allowed)]);
        if (request.Strict) parts.Add("--strict");
        parts.AddRange(["--out", Quote(request.OutputDirectory)]);
        return string.Join(" ", parts);
    }

    public static string ForConfig(string configFile, string seedName) =>
        $"pgseed export --config {Quote(configFile)} {Quote(seedName)}";

    /// <summary>
    /// Quoted for a POSIX shell when it needs it: in double quotes when nothing in it is special there (SQL's single
    /// quotes read naturally), else in single quotes.
    /// </summary>
    internal static string Quote(string text)
    {
        if (text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or '/' or ':' or '=' or ',')) return text;
        if (text.IndexOfAny(['"', '$', '`', '\\', '!']) < 0) return "\"" + text + "\"";
        return "'" + text.Replace("'", "'\\''") + "'";
    }
}
