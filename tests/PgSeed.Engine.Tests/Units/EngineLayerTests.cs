using System.Text.RegularExpressions;
using PgSeed.Engine.Tests.Infrastructure;

namespace PgSeed.Engine.Tests.Units;

/// <summary>
/// The engine's namespaces form layers: no namespace depends, directly or through others, on one that depends on it.
/// Read from the source (a namespace is used through <c>using PgSeed.Engine.X;</c> or a qualified name such as
/// <c>Shaping.MaskSql</c> or <c>PgSeed.Engine.Export.SeedExporter</c>), so a cycle fails here with the files that make it.
/// </summary>
public class EngineLayerTests
{
    private static readonly string EngineRoot = Path.Combine(RepositoryFiles.Root, "src", "PgSeed.Engine");

    /// <summary>Namespace → the namespaces it uses → the files that use them.</summary>
    internal static Dictionary<string, Dictionary<string, SortedSet<string>>> Dependencies()
    {
        var namespaces = Directory.GetDirectories(EngineRoot).Select(Path.GetFileName).Where(n => n is not ("bin" or "obj")).ToHashSet()!;
        var qualified = new Regex(@"(?<![\w.])(?:global::)?(?:PgSeed\.)?(?:Engine\.)?(?<ns>[A-Z]\w*)\.[A-Z]");
        var graph = namespaces.ToDictionary(n => n!, _ => new Dictionary<string, SortedSet<string>>());
        foreach (var file in Directory.EnumerateFiles(EngineRoot, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(EngineRoot, file);
            if (relative.StartsWith("obj", StringComparison.Ordinal) || relative.StartsWith("bin", StringComparison.Ordinal)) continue;
            var text = File.ReadAllText(file);
            var own = Regex.Match(text, @"^namespace PgSeed\.Engine\.(\w+)", RegexOptions.Multiline);
            if (!own.Success) continue;
            var code = Regex.Replace(text, @"/\*.*?\*/|//[^\n]*", "", RegexOptions.Singleline);
            var used = Regex.Matches(code, @"using PgSeed\.Engine\.(\w+);").Select(m => m.Groups[1].Value)
                .Concat(qualified.Matches(code).Select(m => m.Groups["ns"].Value).Where(namespaces.Contains));
            foreach (var ns in used.Where(u => u != own.Groups[1].Value))
            {
                var edges = graph[own.Groups[1].Value];
                if (!edges.TryGetValue(ns, out var files)) edges[ns] = files = [];
                files.Add(relative);
            }
        }
        return graph;
    }

    [Fact]
    public void The_engine_namespaces_have_no_cycles()
    {
        var graph = Dependencies();
        Assert.True(graph.Count > 10, "the engine's namespaces were not found under " + EngineRoot);
        var state = graph.Keys.ToDictionary(k => k, _ => 0); // 0 unseen, 1 on the path, 2 done
        var path = new List<string>();
        foreach (var start in graph.Keys.Order())
            if (Visit(start) is { } cycle)
                Assert.Fail("Namespace cycle in PgSeed.Engine: " + string.Join(" → ", cycle) + "\n" + string.Join("\n",
                    cycle.Zip(cycle.Skip(1)).Select(e => $"  {e.First} → {e.Second}: {string.Join(", ", graph[e.First][e.Second])}")));

        List<string>? Visit(string ns)
        {
            if (state[ns] == 2) return null;
            if (state[ns] == 1) return [.. path.Skip(path.IndexOf(ns)), ns];
            state[ns] = 1;
            path.Add(ns);
            foreach (var next in graph[ns].Keys.Order())
                if (Visit(next) is { } cycle) return cycle;
            path.RemoveAt(path.Count - 1);
            state[ns] = 2;
            return null;
        }
    }

    [Fact]
    public void The_layers_keep_shaping_below_export_and_reports_below_everything()
    {
        var graph = Dependencies();
        Assert.DoesNotContain("Export", graph["Shaping"].Keys);
        Assert.DoesNotContain("Config", graph["Shaping"].Keys);
        Assert.DoesNotContain("Export", graph["Import"].Keys);
        Assert.Empty(graph["Diagnostics"].Keys);
    }

    /// <summary>
    /// The engine names request properties (<see cref="Diagnostics.OptionNames"/>), never an adapter's spelling: a CLI
    /// flag in an engine message would reach MSBuild and library users who never typed it.
    /// </summary>
    [Fact]
    public void Engine_messages_name_no_cli_flags()
    {
        // pg_dump's own arguments, and the seed README's refresh command (seed bytes), are meant as CLI text.
        string[] allowed = ["SchemaDumper.cs", "PgDumpLocator.cs", "SeedReadme.cs"];
        var flag = new Regex(@"""[^""\n]*--(table|out|parallel|filter|raw|truncate|upsert|cascade|disable-triggers|closure|closure-key-limit|strict|allow-pii|exclude-edge|exclude-table|children|from|to|migrations|migrate-command|schema|config|connection)\b");
        var offenders = Directory.EnumerateFiles(EngineRoot, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !allowed.Contains(Path.GetFileName(f)))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(EngineRoot, f), Line: i + 1, Text: line.Trim())))
            .Where(l => !l.Text.StartsWith("//", StringComparison.Ordinal) && flag.IsMatch(l.Text))
            .Select(l => $"{l.File}:{l.Line}: {l.Text}").ToList();
        Assert.True(offenders.Count == 0, "Engine messages naming CLI flags:\n" + string.Join("\n", offenders));
    }
}
