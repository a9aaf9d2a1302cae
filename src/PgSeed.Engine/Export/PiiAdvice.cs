using PgSeed.Engine.Catalog;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Export;

/// <summary>
/// Words the personal-data warning (PGSEED092) with what to do about it: one line per table, naming its columns,
/// the mask rule to paste into the seed definition, and the exact <c>--allow-pii</c> / <c>"allowPii"</c> entries
/// that accept them as they are.
/// </summary>
internal static class PiiAdvice
{
    public static string ForTable(TableInfo table, IReadOnlyList<PiiFinding> findings)
    {
        var columns = string.Join(", ", findings.Select(f => $"{Identifier.QuoteIfNeeded(f.Column)} ({f.Kind}{(f.Evidence == "name" ? "" : $", by {f.Evidence}")})"));
        var entries = findings.Select(f => $"{table.Name.Display}.{Identifier.QuoteIfNeeded(f.Column)}").ToList();
        var masks = string.Join(", ", findings.Select(f => $"{Json(f.Column)}: {Mask(f, table.Column(f.Column))}"));
        return $"{table.Name.Display}: {columns} {(findings.Count == 1 ? "looks" : "look")} personal. " +
               $"Mask {(findings.Count == 1 ? "it" : "them")} in the seed definition: \"tables\": {{ {Json(table.Name.Display)}: {{ \"transform\": {{ {masks} }} }} }}; " +
               $"or accept as is: {string.Join(" ", entries.Select(e => OptionNames.ExportAllowPii + " " + Shell(e)))} " +
               $"(\"allowPii\": [{string.Join(", ", entries.Select(Json))}]).";
    }

    /// <summary>The masker that fits the finding and the column's type.</summary>
    private static string Mask(PiiFinding finding, ColumnInfo? column)
    {
        var name = finding.Column.ToLowerInvariant();
        var text = column is null || column.Type.StartsWith("text", StringComparison.Ordinal) || column.Type.StartsWith("character", StringComparison.Ordinal) ||
                   column.Type.StartsWith("citext", StringComparison.Ordinal) || column.Type.StartsWith("varchar", StringComparison.Ordinal);
        return finding.Kind switch
        {
            "email" when text => "{ \"mask\": \"email\" }",
            "phone" when text => "{ \"mask\": \"phone\" }",
            "name" when text && (name.Contains("first", StringComparison.Ordinal) || name.Contains("given", StringComparison.Ordinal)) => "{ \"mask\": \"firstName\" }",
            "name" when text && (name.Contains("last", StringComparison.Ordinal) || name.Contains("family", StringComparison.Ordinal) || name.Contains("sur", StringComparison.Ordinal)) => "{ \"mask\": \"lastName\" }",
            "name" when text => "{ \"mask\": \"name\" }",
            _ when text => "{ \"mask\": \"hash\" }",
            _ when column?.NotNull == false => "{ \"mask\": \"null\" }",
            _ => "{ \"mask\": \"fixed\", \"value\": \"...\" }",
        };
    }

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text, Seed.SeedJsonContext.Default.String);

    /// <summary>Single-quoted for a POSIX shell when it needs quoting.</summary>
    private static string Shell(string text) =>
        text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-') ? text : "'" + text.Replace("'", "'\\''") + "'";
}
