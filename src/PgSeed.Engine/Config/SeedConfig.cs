using System.Text.Json;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Config;

/// <summary>
/// Loads a seed definition file (<c>pgseed.config.json</c>, schema: <c>schemas/pgseed.config.schema.json</c>)
/// and selects seeds by name or glob. The CLI (<c>pgseed export --config</c>) and the MSBuild task both use it.
/// </summary>
public static class SeedConfig
{
    /// <summary>The file name <c>pgseed export --config</c> looks for by default.</summary>
    public const string DefaultFileName = "pgseed.config.json";

    /// <summary>Every seed of the file, in file order. Errors are PGSEED090 (with the file and, for syntax, the line) or PGSEED097.</summary>
    public static IReadOnlyList<SeedDefinitionEntry> Load(string path, Func<string, string?>? environment = null)
    {
        var full = Path.GetFullPath(path);
        string text;
        try { text = File.ReadAllText(full); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PgSeedException(ErrorCode.ConfigInvalid, $"Cannot read seed definition file '{full}': {e.Message}", e) { File = full };
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            var line = (int?)e.LineNumber + 1;
            throw new PgSeedException(ErrorCode.ConfigInvalid, $"{full}({line}): not valid JSON: {e.Message}", e) { File = full, Line = line };
        }
        using (document)
            return new SeedConfigReader(full, environment ?? Environment.GetEnvironmentVariable).Read(document.RootElement);
    }

    /// <summary>
    /// The seeds whose names match any of <paramref name="patterns"/> (<c>*</c> and <c>?</c> globs, case-sensitive);
    /// every seed when none are given. A pattern matching nothing is an error (PGSEED098) listing the names.
    /// </summary>
    public static IReadOnlyList<SeedDefinitionEntry> Select(IReadOnlyList<SeedDefinitionEntry> seeds, IReadOnlyList<string>? patterns)
    {
        if (patterns is null || patterns.Count == 0) return seeds;
        var selected = new List<SeedDefinitionEntry>();
        foreach (var pattern in patterns)
        {
            var regex = new System.Text.RegularExpressions.Regex(
                "^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + "$");
            var hits = seeds.Where(s => regex.IsMatch(s.Name)).ToList();
            if (hits.Count == 0)
                throw new PgSeedException(ErrorCode.NoSeedMatched,
                    $"No seed named '{pattern}' in {(seeds.Count > 0 ? seeds[0].ConfigFile : null) ?? "the seed definition file"}. Seeds: {(seeds.Count == 0 ? "none" : string.Join(", ", seeds.Select(s => s.Name)))}.");
            foreach (var hit in hits) if (!selected.Contains(hit)) selected.Add(hit);
        }
        return seeds.Where(selected.Contains).ToList();
    }
}
