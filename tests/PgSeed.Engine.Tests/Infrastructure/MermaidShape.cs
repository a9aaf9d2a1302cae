using System.Text.RegularExpressions;

namespace PgSeed.Engine.Tests.Infrastructure;

/// <summary>
/// A strict structural reader for the subset of Mermaid flowchart syntax PgSeed writes: a <c>flowchart</c> header,
/// node declarations <c>id["label"]</c>, edges <c>id ARROW|"label"| id</c>, <c>classDef</c> and <c>class</c> lines.
/// Any other line, an edge to an undeclared node, a raw quote inside a label or a class without a definition fails.
/// </summary>
public sealed partial class MermaidShape
{
    public string Direction { get; private init; } = "";
    public Dictionary<string, string> Nodes { get; } = new();
    public List<(string From, string Arrow, string Label, string To)> Edges { get; } = new();
    public Dictionary<string, string> ClassDefs { get; } = new();
    public Dictionary<string, string> ClassOf { get; } = new();

    [GeneratedRegex(@"^flowchart (TB|TD|BT|LR|RL)$")] private static partial Regex Header();
    [GeneratedRegex(@"^(t\d+)\[""([^""]*)""\]$")] private static partial Regex Node();
    [GeneratedRegex(@"^(t\d+) (-->|==>|-\.->)\|""([^""]*)""\| (t\d+)$")] private static partial Regex Edge();
    [GeneratedRegex(@"^classDef (\w+) ([\w#:,.-]+(?:,[\w#:,.-]+)*)$")] private static partial Regex ClassDef();
    [GeneratedRegex(@"^class (t\d+(?:,t\d+)*) (\w+)$")] private static partial Regex Class();
    // Mermaid entities: #name; or #123; — anything else after '#' would be misread.
    [GeneratedRegex(@"#(?![a-z]+;|\d+;)")] private static partial Regex BadEntity();

    public static MermaidShape Parse(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = Header().Match(lines[0]);
        Assert.True(header.Success, $"not a flowchart header: {lines[0]}");
        var shape = new MermaidShape { Direction = header.Groups[1].Value };
        foreach (var raw in lines.Skip(1))
        {
            Assert.StartsWith("  ", raw);
            var line = raw.Trim();
            Match m;
            if ((m = Node().Match(line)).Success)
            {
                Assert.True(shape.Nodes.TryAdd(m.Groups[1].Value, m.Groups[2].Value), $"node declared twice: {line}");
                CheckLabel(m.Groups[2].Value);
            }
            else if ((m = Edge().Match(line)).Success)
            {
                Assert.True(shape.Nodes.ContainsKey(m.Groups[1].Value) && shape.Nodes.ContainsKey(m.Groups[4].Value), $"edge to an undeclared node: {line}");
                CheckLabel(m.Groups[3].Value);
                shape.Edges.Add((m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value, m.Groups[4].Value));
            }
            else if ((m = ClassDef().Match(line)).Success) shape.ClassDefs[m.Groups[1].Value] = m.Groups[2].Value;
            else if ((m = Class().Match(line)).Success)
            {
                Assert.True(shape.ClassDefs.ContainsKey(m.Groups[2].Value), $"class used before its classDef: {line}");
                foreach (var id in m.Groups[1].Value.Split(','))
                {
                    Assert.True(shape.Nodes.ContainsKey(id), $"class for an undeclared node: {line}");
                    Assert.True(shape.ClassOf.TryAdd(id, m.Groups[2].Value), $"node in two classes: {id}");
                }
            }
            else Assert.Fail($"unexpected Mermaid line: {line}");
        }
        return shape;
    }

    /// <summary>The id of the node whose label starts with <paramref name="table"/> (entities decoded).</summary>
    public string IdOf(string table) =>
        Nodes.Single(n => Decode(n.Value).Split("<br/>")[0] == table).Key;

    public static string Decode(string label) => Regex.Replace(label, @"#(\d+);", m => ((char)int.Parse(m.Groups[1].Value)).ToString());

    private static void CheckLabel(string label)
    {
        Assert.DoesNotContain("\"", label);
        Assert.False(BadEntity().IsMatch(label), $"stray '#' in label: {label}");
        Assert.DoesNotContain("|", label);
    }

    /// <summary>Every ```mermaid block of a Markdown text.</summary>
    public static IReadOnlyList<string> Blocks(string markdown) =>
        Regex.Matches(markdown, "```mermaid\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToList();
}
