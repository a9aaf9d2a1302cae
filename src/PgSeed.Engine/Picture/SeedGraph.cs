using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Picture;

/// <summary>
/// The tables of a seed (or of a plan, before any row is read) and the FKs between them: what the summary
/// tree shows as text and the seed's README and <c>pgseed plan</c> draw as a Mermaid or Graphviz picture.
/// Tables are in import order, edges by child table and FK name, so every rendering is deterministic.
/// </summary>
internal sealed class SeedGraph
{
    public required IReadOnlyList<SeedGraphTable> Tables { get; init; }
    public required IReadOnlyList<SeedGraphEdge> Edges { get; init; }

    /// <summary>True when row counts are known (an export); false for a plan.</summary>
    public bool HasRows => Tables.Count > 0 && Tables.All(t => t.Rows is not null);

    public string Render(PlanFormat format) => format switch
    {
        PlanFormat.Mermaid => MermaidFlowchart.Render(this),
        PlanFormat.Dot => DotGraph.Render(this),
        _ => ToText(),
    };

    /// <summary>The summary tree (without times), with the reasons and notes.</summary>
    public string ToText() => SummaryTree.Render(
        Tables.Select(t => new TableReport
        {
            Table = t.Name, Rows = t.Rows ?? 0, Bytes = t.Bytes ?? 0, Reason = t.Reason, TreeParent = t.TreeParent,
            Note = t.Notes.Count == 0 ? null : string.Join("; ", t.Notes),
        }).ToList(), TimeSpan.Zero, showTimes: false, showSizes: HasRows);
}

/// <summary>Why a table is in a seed: selected by a filter, reached as a descendant of a root, or only as a referenced row.</summary>
internal enum SeedTableRole
{
    /// <summary>The table rows start from (<c>--table</c>, <c>--include</c>).</summary>
    Root,

    /// <summary>Reached downwards: its rows reference exported rows (and pull in their own children).</summary>
    Child,

    /// <summary>Reached only upwards: rows exported rows reference.</summary>
    Parent,
}

/// <summary>One table of a <see cref="SeedGraph"/>.</summary>
internal sealed record SeedGraphTable
{
    /// <summary>Display name, e.g. <c>public."GiftCard"</c>.</summary>
    public required string Name { get; init; }
    public required SeedTableRole Role { get; init; }

    /// <summary><c>root</c>, <c>included</c>, <c>child of … via fk</c>, <c>parent of … via fk</c>.</summary>
    public string Reason { get; init; } = "";

    /// <summary>The table that brought this one in (null for roots).</summary>
    public string? TreeParent { get; init; }

    /// <summary>Every row of the table is exported (an unfiltered root, or everything hanging from one).</summary>
    public bool AllRows { get; init; }

    /// <summary>Exported rows and CSV bytes; null in a plan.</summary>
    public long? Rows { get; init; }
    public long? Bytes { get; init; }

    /// <summary>Self-references, FK cycles, and rows of a root its filter did not select.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>An FK between two tables of a seed: <see cref="From"/> (the referencing table) references <see cref="To"/>.</summary>
internal sealed record SeedGraphEdge
{
    public required string ForeignKey { get; init; }
    public required string From { get; init; }
    public required string To { get; init; }

    /// <summary>The FK that brought one of its two tables into the seed (its edge in the summary tree).</summary>
    public bool Explains { get; init; }

    /// <summary>On a cycle: a self-reference, or an FK between tables that reach each other.</summary>
    public bool InCycle { get; init; }

    /// <summary>Declared in a seed definition, not in the schema.</summary>
    public bool Virtual { get; init; }

    public bool SelfReference => From == To;
}

/// <summary>Output formats of <c>pgseed plan</c>.</summary>
internal enum PlanFormat
{
    /// <summary>The summary tree.</summary>
    Text,

    /// <summary>A Mermaid <c>flowchart</c> (GitHub renders it in Markdown).</summary>
    Mermaid,

    /// <summary>A Graphviz <c>digraph</c>.</summary>
    Dot,
}
