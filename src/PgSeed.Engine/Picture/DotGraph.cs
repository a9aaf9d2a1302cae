using System.Globalization;
using System.Text;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Picture;

/// <summary>Renders a <see cref="SeedGraph"/> as a Graphviz <c>digraph</c>, with the same conventions as <see cref="MermaidFlowchart"/>.</summary>
internal static class DotGraph
{
    public static string Render(SeedGraph graph)
    {
        var ids = graph.Tables.Select((t, i) => (t.Name, Id: "t" + i.ToString(CultureInfo.InvariantCulture))).ToDictionary(x => x.Name, x => x.Id);
        var sb = new StringBuilder();
        sb.Append("digraph seed {\n");
        sb.Append("  rankdir=BT;\n");
        sb.Append("  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\"];\n");
        sb.Append("  edge [fontname=\"Helvetica\", fontsize=10];\n");
        foreach (var t in graph.Tables)
        {
            var label = t.Name + (t.Rows is { } rows ? $"\n{SummaryTree.Count(rows)} {(rows == 1 ? "row" : "rows")}" : t.AllRows ? "\nevery row" : "");
            var (fill, stroke) = t.Role switch
            {
                SeedTableRole.Root => ("#fde68a", "#b45309"),
                SeedTableRole.Child => ("#dcfce7", "#15803d"),
                _ => ("#dbeafe", "#1d4ed8"),
            };
            sb.Append("  ").Append(ids[t.Name]).Append(" [label=").Append(Quote(label))
              .Append(", fillcolor=\"").Append(fill).Append("\", color=\"").Append(stroke).Append('"')
              .Append(t.Role == SeedTableRole.Root ? ", penwidth=2" : "").Append("];\n");
        }
        foreach (var e in graph.Edges)
        {
            if (!ids.ContainsKey(e.From) || !ids.ContainsKey(e.To)) continue;
            sb.Append("  ").Append(ids[e.From]).Append(" -> ").Append(ids[e.To])
              .Append(" [label=").Append(Quote(e.ForeignKey + (e.Virtual ? " (virtual)" : "")))
              .Append(e.Explains && !e.SelfReference ? ", penwidth=2" : e.InCycle ? ", style=dashed" : "").Append("];\n");
        }
        sb.Append("}\n");
        return sb.ToString();
    }

    private static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"";
}
