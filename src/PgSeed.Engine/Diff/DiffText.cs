using System.Globalization;
using System.Text;

namespace PgSeed.Engine.Diff;

/// <summary>Renders a <see cref="SeedDiff"/> for a terminal: a tree of changed tables with their listed rows, and a totals line.</summary>
internal static class DiffText
{
    private sealed record Node(string Text, IReadOnlyList<Node> Children);

    public static string Render(SeedDiff diff)
    {
        var sb = new StringBuilder();
        sb.Append(diff.Before).Append(" → ").Append(diff.After).Append('\n');
        var nodes = new List<Node>();
        foreach (var t in diff.ChangedTables) nodes.Add(new Node(TableLine(t), TableDetails(t)));
        if (diff.Schema.HasChanges)
            nodes.Add(new Node("schema.sql: " + SchemaLine(diff.Schema),
                diff.Schema.Objects.Select(o => new Node($"{Mark(o.Change)} {o.Name}", o.Lines.Select(l => new Node(l, [])).ToList())).ToList()));
        if (diff.ManifestChanges.Count > 0)
            nodes.Add(new Node("pgseed.json", diff.ManifestChanges.Select(c => new Node(c, [])).ToList()));
        for (var i = 0; i < nodes.Count; i++) Write(sb, nodes[i], "", i == nodes.Count - 1);
        sb.Append(Totals(diff)).Append('\n');
        return sb.ToString();
    }

    /// <summary>One line per difference, for <c>pgseed export --check</c> and the MSBuild check.</summary>
    public static IReadOnlyList<string> SummaryLines(SeedDiff diff)
    {
        var lines = diff.ChangedTables.Select(TableLine).ToList();
        if (diff.Schema.HasChanges) lines.Add("schema.sql: " + SchemaLine(diff.Schema));
        lines.AddRange(diff.ManifestChanges.Select(c => "pgseed.json: " + c));
        return lines;
    }

    /// <summary><c>public.book: 120 → 122 rows, +3 -1 ~2 (price, title)</c>, <c>public.genre: new table, 12 rows</c>.</summary>
    public static string TableLine(TableDiff t)
    {
        var inv = CultureInfo.InvariantCulture;
        switch (t.Change)
        {
            case TableChange.Added: return string.Create(inv, $"{t.Table}: new table, {t.RowsAfter} rows");
            case TableChange.Removed: return string.Create(inv, $"{t.Table}: table removed ({t.RowsBefore} rows)");
        }
        var parts = new List<string>();
        if (t.Added > 0) parts.Add(string.Create(inv, $"+{t.Added}"));
        if (t.Removed > 0) parts.Add(string.Create(inv, $"-{t.Removed}"));
        if (t.Changed > 0) parts.Add(string.Create(inv, $"~{t.Changed} ({string.Join(", ", t.ChangedColumns.Keys)})"));
        var columns = ColumnChanges(t);
        if (columns.Length > 0) parts.Add(columns);
        if (t.ColumnsReordered) parts.Add("columns reordered");
        return string.Create(inv, $"{t.Table}: {t.RowsBefore} → {t.RowsAfter} rows, {string.Join(", ", parts)}");
    }

    internal static string ColumnChanges(TableDiff t) => string.Join(", ",
        t.ColumnsAdded.Select(c => $"column {c} added")
            .Concat(t.ColumnsRemoved.Select(c => $"column {c} removed"))
            .Concat(t.TypeChanges.Select(c => $"{c.Column} {c.Before} → {c.After}")));

    internal static string SchemaLine(SchemaSqlDiff s) =>
        !s.BeforeExists ? "added" : !s.AfterExists ? "removed"
        : string.Join(", ", s.Objects.Select(o => $"{o.Name} {o.Change.ToString().ToLowerInvariant()}"));

    internal static string Totals(SeedDiff diff)
    {
        var changed = diff.ChangedTables.Count();
        var unchanged = diff.Tables.Count - changed;
        if (!diff.HasChanges) return string.Create(CultureInfo.InvariantCulture, $"identical: {diff.Tables.Count} tables, {diff.Tables.Sum(t => t.RowsAfter)} rows");
        return string.Create(CultureInfo.InvariantCulture,
            $"{changed} tables changed, {unchanged} unchanged; rows: {diff.RowsAdded} added, {diff.RowsRemoved} removed, {diff.RowsChanged} changed");
    }

    private static List<Node> TableDetails(TableDiff t)
    {
        var details = new List<Node>();
        if (t.Note is not null) details.Add(new Node($"({t.Note})", []));
        details.AddRange(t.AddedRows.Select(r => new Node("+ " + r, [])));
        if (t.Added > t.AddedRows.Count) details.Add(new Node(string.Create(CultureInfo.InvariantCulture, $"… {t.Added - t.AddedRows.Count} more added"), []));
        details.AddRange(t.RemovedRows.Select(r => new Node("- " + r, [])));
        if (t.Removed > t.RemovedRows.Count) details.Add(new Node(string.Create(CultureInfo.InvariantCulture, $"… {t.Removed - t.RemovedRows.Count} more removed"), []));
        details.AddRange(t.ChangedRows.Select(r => new Node("~ " + r.Key + ": " +
            string.Join(", ", r.Values.Select(v => $"{v.Column} {TableDiffer.Value(v.Before)} → {TableDiffer.Value(v.After)}")), [])));
        if (t.Changed > t.ChangedRows.Count) details.Add(new Node(string.Create(CultureInfo.InvariantCulture, $"… {t.Changed - t.ChangedRows.Count} more changed"), []));
        return details;
    }

    private static string Mark(TableChange change) => change switch
    {
        TableChange.Added => "+",
        TableChange.Removed => "-",
        _ => "~",
    };

    private static void Write(StringBuilder sb, Node node, string indent, bool last)
    {
        sb.Append(indent).Append(last ? "└── " : "├── ").Append(node.Text).Append('\n');
        var childIndent = indent + (last ? "    " : "│   ");
        for (var i = 0; i < node.Children.Count; i++) Write(sb, node.Children[i], childIndent, i == node.Children.Count - 1);
    }
}
