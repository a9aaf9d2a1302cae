using System.Globalization;
using System.Text;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Picture;

/// <summary>
/// Renders a <see cref="SeedGraph"/> as a Mermaid <c>flowchart</c>, which GitHub draws in Markdown. Arrows point
/// from the referencing table to the referenced one (bottom to top: parents above, children below), labelled with
/// the FK; thick arrows are the FKs that brought a table into the seed, dotted ones close a cycle or a
/// self-reference. Roots, children and parents have their own colours.
/// </summary>
internal static class MermaidFlowchart
{
    public static string Render(SeedGraph graph)
    {
        var ids = graph.Tables.Select((t, i) => (t.Name, Id: "t" + i.ToString(CultureInfo.InvariantCulture))).ToDictionary(x => x.Name, x => x.Id);
        var sb = new StringBuilder();
        sb.Append("flowchart BT\n");
        foreach (var t in graph.Tables)
        {
            var detail = t.Rows is { } rows
                ? $"{SummaryTree.Count(rows)} {(rows == 1 ? "row" : "rows")}"
                : t.AllRows ? "every row" : null;
            sb.Append("  ").Append(ids[t.Name]).Append("[\"").Append(Escape(t.Name));
            if (detail is not null) sb.Append("<br/>").Append(Escape(detail));
            sb.Append("\"]\n");
        }
        foreach (var e in graph.Edges)
        {
            if (!ids.ContainsKey(e.From) || !ids.ContainsKey(e.To)) continue;
            var arrow = e.Explains && !e.SelfReference ? "==>" : e.InCycle ? "-.->" : "-->";
            sb.Append("  ").Append(ids[e.From]).Append(' ').Append(arrow).Append("|\"").Append(Escape(e.ForeignKey + (e.Virtual ? " (virtual)" : "")))
              .Append("\"| ").Append(ids[e.To]).Append('\n');
        }
        sb.Append("  classDef root fill:#fde68a,stroke:#b45309,stroke-width:2px,color:#1f2937\n");
        sb.Append("  classDef child fill:#dcfce7,stroke:#15803d,color:#1f2937\n");
        sb.Append("  classDef parent fill:#dbeafe,stroke:#1d4ed8,color:#1f2937\n");
        foreach (var (role, name) in new[] { (SeedTableRole.Root, "root"), (SeedTableRole.Child, "child"), (SeedTableRole.Parent, "parent") })
        {
            var members = graph.Tables.Where(t => t.Role == role).Select(t => ids[t.Name]).ToList();
            if (members.Count > 0) sb.Append("  class ").Append(string.Join(",", members)).Append(' ').Append(name).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>
    /// Text inside a quoted label: Mermaid reads <c>#name;</c> and <c>#123;</c> as entities, so the characters that
    /// could end the label or start markup are written as numeric entities.
    /// </summary>
    internal static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '"' or '#' or '<' or '>' or '&' or '|' or '`' or '\\' || char.IsControl(c))
                sb.Append('#').Append(((int)c).ToString(CultureInfo.InvariantCulture)).Append(';');
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
