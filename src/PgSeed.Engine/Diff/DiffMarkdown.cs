using System.Globalization;
using System.Text;

namespace PgSeed.Engine.Diff;

/// <summary>
/// Renders a <see cref="SeedDiff"/> as GitHub-flavoured Markdown for a pull-request body or comment: totals, a table
/// per changed seed table, the listed rows and schema.sql changes in collapsed sections. Stays under GitHub's
/// 65,536-character limit for a body by leaving out the last sections when needed.
/// </summary>
internal static class DiffMarkdown
{
    public const int MaxLength = 60_000;

    public static string Render(SeedDiff diff, string? title = null)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("### ").Append(title ?? "Seed changes: " + Code(diff.Before)).Append("\n\n");
        if (!diff.HasChanges)
        {
            sb.Append(inv, $"No changes: {diff.Tables.Count} tables, {diff.Tables.Sum(t => t.RowsAfter)} rows.\n");
            return sb.ToString();
        }
        var changed = diff.ChangedTables.ToList();
        sb.Append(inv, $"**{changed.Count} tables changed** ({diff.Tables.Count - changed.Count} unchanged): ")
          .Append(inv, $"**{diff.RowsAdded}** rows added, **{diff.RowsRemoved}** removed, **{diff.RowsChanged}** changed");
        if (diff.Schema.HasChanges) sb.Append(" · schema.sql changed");
        sb.Append("\n\n");

        if (changed.Count > 0)
        {
            sb.Append("| Table | Rows | Added | Removed | Changed | Columns |\n|---|--:|--:|--:|--:|---|\n");
            foreach (var t in changed)
            {
                var name = Code(t.Table) + t.Change switch { TableChange.Added => " (new)", TableChange.Removed => " (removed)", _ => "" };
                var rows = t.Change switch
                {
                    TableChange.Added => t.RowsAfter.ToString(inv),
                    TableChange.Removed => t.RowsBefore.ToString(inv),
                    _ => string.Create(inv, $"{t.RowsBefore} → {t.RowsAfter}"),
                };
                var columns = string.Join(", ", t.ChangedColumns.Select(c => string.Create(inv, $"{Code(c.Key)} ({c.Value})"))
                    .Concat(DiffText.ColumnChanges(t) is { Length: > 0 } cc ? [Cell(cc)] : [])
                    .Concat(t.ColumnsReordered ? ["reordered"] : []));
                sb.Append(inv, $"| {name} | {rows} | {t.Added} | {t.Removed} | {t.Changed} | {columns} |\n");
            }
            sb.Append('\n');
        }

        var sections = changed.Select(TableSection).Where(s => s.Length > 0).ToList();
        if (diff.Schema.HasChanges) sections.Add(SchemaSection(diff.Schema));
        if (diff.ManifestChanges.Count > 0)
            sections.Add("**pgseed.json**\n\n" + string.Concat(diff.ManifestChanges.Select(c => "- " + Cell(c) + "\n")) + "\n");
        var left = 0;
        foreach (var section in sections)
        {
            if (sb.Length + section.Length > MaxLength) { left++; continue; }
            sb.Append(section);
        }
        if (left > 0) sb.Append(inv, $"*{left} more sections left out to fit a pull-request body; run `pgseed diff` for everything.*\n");
        return sb.ToString();
    }

    private static string TableSection(TableDiff t)
    {
        if (t.AddedRows.Count + t.RemovedRows.Count + t.ChangedRows.Count == 0 && t.Note is null) return "";
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("<details><summary><code>").Append(Html(t.Table)).Append("</code> rows</summary>\n\n");
        if (t.Note is not null) sb.Append('*').Append(t.Note).Append("*\n\n");
        List("Added", t.Added, t.AddedRows.Select(Code).ToList());
        List("Removed", t.Removed, t.RemovedRows.Select(Code).ToList());
        List("Changed", t.Changed, t.ChangedRows.Select(r => Code(r.Key) + ": " +
            string.Join(", ", r.Values.Select(v => $"{Cell(v.Column)} {Code(TableDiffer.Value(v.Before))} → {Code(TableDiffer.Value(v.After))}"))).ToList());
        sb.Append("</details>\n\n");
        return sb.ToString();

        void List(string what, long count, List<string> items)
        {
            if (count == 0) return;
            sb.Append(inv, $"{what} ({count}):\n");
            foreach (var item in items) sb.Append("- ").Append(item).Append('\n');
            if (count > items.Count) sb.Append(inv, $"- … and {count - items.Count} more\n");
            sb.Append('\n');
        }
    }

    private static string SchemaSection(SchemaSqlDiff s)
    {
        var sb = new StringBuilder("<details><summary>schema.sql</summary>\n\n");
        if (!s.BeforeExists || !s.AfterExists) sb.Append("schema.sql ").Append(DiffText.SchemaLine(s)).Append(".\n\n");
        if (s.Objects.Count > 0)
        {
            sb.Append("```diff\n");
            foreach (var o in s.Objects)
            {
                sb.Append("@@ ").Append(o.Name).Append(' ').Append(o.Change.ToString().ToLowerInvariant()).Append(" @@\n");
                foreach (var line in o.Lines) sb.Append(line.Replace("```", "'''")).Append('\n');
            }
            sb.Append("```\n\n");
        }
        return sb.Append("</details>\n\n").ToString();
    }

    /// <summary>An inline code span that survives table cells and odd values.</summary>
    private static string Code(string text) => "`" + text.Replace("`", "'").Replace("\r", " ").Replace("\n", " ").Replace("|", "\\|") + "`";

    private static string Cell(string text) => text.Replace("\n", " ").Replace("|", "\\|");

    private static string Html(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
