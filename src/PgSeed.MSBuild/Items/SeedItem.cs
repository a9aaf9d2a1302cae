using PgSeed.Engine.Export;

namespace PgSeed.MSBuild.Items;

/// <summary>One <c>PgSeed</c> item, parsed: a seed folder and how to export it.</summary>
internal sealed record SeedItem
{
    /// <summary>The item's Include as written, e.g. <c>seeds/catalog</c> (used in messages and by PgSeedOnly).</summary>
    public required string Spec { get; init; }

    /// <summary>Absolute path of the seed folder.</summary>
    public required string Folder { get; init; }

    /// <summary>The project file that declared the item (for error locations).</summary>
    public string? DefiningProject { get; init; }

    /// <summary>Optional <c>Name</c> metadata (also matched by PgSeedOnly).</summary>
    public string? Name { get; init; }

    /// <summary>Roots in order: <c>Table</c> first, then <c>IncludeTables</c>. Empty when the item has no Table.</summary>
    public IReadOnlyList<RootSelection> Roots { get; init; } = Array.Empty<RootSelection>();

    public ChildrenMode Children { get; init; } = ChildrenMode.All;
    public IReadOnlyList<string> ExcludedEdges { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> Schemas { get; init; } = Array.Empty<string>();

    /// <summary>Per-item <c>Parallel</c>; null means the <c>PgSeedParallel</c> property or the engine default.</summary>
    /// <summary><c>AllowPii</c> metadata (<c>--allow-pii</c>): columns the personal-data lint accepts, as TABLE.COLUMN.</summary>
    public IReadOnlyList<string> AllowPii { get; init; } = Array.Empty<string>();

    /// <summary><c>Strict</c> metadata (<c>--strict</c>): lint findings and kept parents become errors.</summary>
    public bool Strict { get; init; }

    public int? Parallel { get; init; }

    /// <summary><c>Config</c> metadata: absolute path of the <c>pgseed.config.json</c> defining this seed (by <c>Name</c>, else the folder name).</summary>
    public string? Config { get; init; }

    /// <summary>Names PgSeedOnly may use for this item: its Include, the folder's name, and its Name metadata.</summary>
    public IEnumerable<string> Aliases
    {
        get
        {
            yield return Spec;
            var leaf = Path.GetFileName(Spec);
            if (leaf.Length > 0) yield return leaf;
            if (!string.IsNullOrEmpty(Name)) yield return Name!;
        }
    }
}
