using System.Globalization;
using Microsoft.Build.Framework;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;

namespace PgSeed.MSBuild.Items;

/// <summary>
/// Reads <c>PgSeed</c> items. Metadata names mirror the CLI options: Table, Filter, Raw, IncludeTables
/// (alias ExtraTables; <c>--include</c>), Children, ExcludeEdges, Schemas, Parallel. Invalid metadata is a
/// <see cref="ErrorCode.BuildItemInvalid"/> error naming the item and the metadata.
/// </summary>
internal static class SeedItemParser
{
    public static readonly char[] ListSeparators = { ';', ',' };

    /// <summary>
    /// Parses every item; throws on the first invalid one or on two items writing the same folder. An item without
    /// <c>Table</c> is valid here (import and verify need only the folder); export requires it.
    /// </summary>
    public static IReadOnlyList<SeedItem> ParseAll(IEnumerable<ITaskItem> items, string projectDirectory)
    {
        var parsed = items.Select(i => Parse(i, projectDirectory)).ToList();
        var duplicate = parsed.GroupBy(s => s.Folder, PathComparer).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw Invalid(duplicate.First(), $"{duplicate.Count()} PgSeed items use the folder '{duplicate.First().Spec}'. Give each seed its own folder.");
        return parsed;
    }

    public static SeedItem Parse(ITaskItem item, string projectDirectory)
    {
        var spec = item.ItemSpec.Trim().TrimEnd('/', '\\');
        var seed = new SeedItem
        {
            Spec = spec,
            Folder = Path.GetFullPath(Path.Combine(projectDirectory, spec)),
            DefiningProject = Metadata(item, "DefiningProjectFullPath"),
        };
        if (spec.Length == 0) throw Invalid(seed, "A PgSeed item needs a seed folder as its Include.");

        var table = Metadata(item, "Table");
        var filter = Metadata(item, "Filter");
        var raw = Metadata(item, "Raw");
        var includes = Metadata(item, "IncludeTables");
        var extra = Metadata(item, "ExtraTables");
        if (includes is not null && extra is not null)
            throw Invalid(seed, "Use IncludeTables or its alias ExtraTables, not both.");
        includes ??= extra;
        var config = Metadata(item, "Config");

        if (table is null && (filter is not null || raw is not null || includes is not null))
            throw Invalid(seed, "Filter, Raw and IncludeTables need a Table to apply to.");
        if (config is not null && table is not null)
            throw Invalid(seed, "Give either Config (the seed is defined in a seed definition file) or Table with its options, not both.");

        var roots = new List<RootSelection>();
        if (table is not null) roots.Add(new RootSelection { Table = table, Filter = filter, Raw = raw });
        if (includes is not null)
            roots.AddRange(SplitList(includes, ';').Select(RootSelection.Parse));

        return seed with
        {
            Name = Metadata(item, "Name"),
            Config = config is null ? null : Path.GetFullPath(Path.Combine(projectDirectory, config)),
            Roots = roots,
            Children = ParseChildren(seed, Metadata(item, "Children")),
            ExcludedEdges = SplitList(Metadata(item, "ExcludeEdges"), ListSeparators),
            Schemas = SplitList(Metadata(item, "Schemas"), ListSeparators),
            Parallel = ParseParallel(Metadata(item, "Parallel"), $"Parallel on PgSeed item '{spec}'", seed.DefiningProject),
            AllowPii = SplitList(Metadata(item, "AllowPii"), ListSeparators),
            Strict = ParseBool(seed, "Strict", Metadata(item, "Strict")),
        };
    }

    private static bool ParseBool(SeedItem seed, string name, string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "false" => false,
        "true" => true,
        _ => throw Invalid(seed, $"{name} must be true or false, not '{text}'."),
    };

    /// <summary>Parses a parallelism value (1..16); null for empty.</summary>
    internal static int? ParseParallel(string? text, string what, string? file)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 16) return n;
        throw new PgSeedException(ErrorCode.BuildItemInvalid, $"{what} must be a whole number from 1 to 16, not '{text}'.") { File = file };
    }

    private static ChildrenMode ParseChildren(SeedItem seed, string? text) => text?.ToLowerInvariant() switch
    {
        null or "all" => ChildrenMode.All,
        "none" => ChildrenMode.None,
        _ => throw Invalid(seed, $"Children must be 'all' or 'none', not '{text}'."),
    };

    internal static IReadOnlyList<string> SplitList(string? text, params char[] separators) =>
        text is null ? Array.Empty<string>()
            : text.Split(separators, StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()).Where(s => s.Length > 0).ToArray();

    private static string? Metadata(ITaskItem item, string name)
    {
        var value = item.GetMetadata(name);
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    private static PgSeedException Invalid(SeedItem seed, string message) =>
        new(ErrorCode.BuildItemInvalid, $"PgSeed item '{seed.Spec}': {message}") { File = seed.DefiningProject };

    internal static readonly StringComparer PathComparer =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
}
