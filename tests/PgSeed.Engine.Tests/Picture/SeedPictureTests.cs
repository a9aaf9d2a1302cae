using System.Diagnostics;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Import;
using PgSeed.Engine.Picture;
using PgSeed.Engine.Seed;
using PgSeed.Engine.Tests.Infrastructure;

namespace PgSeed.Engine.Tests.Picture;

public class SeedPictureTests(PostgresFixture pg)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ExportRequest FiveCustomers(ExportScenario s) =>
        s.Request(new RootSelection { Table = "customer", Filter = "order by id limit 5" }) with { Parallel = 1, AllowPii = ["*.*"] };

    [Fact]
    public async Task Tree_and_picture_explain_the_extra_root_row_the_self_reference_and_the_cycle()
    {
        await using var s = await ExportScenario.CreateAsync(pg, ShopSchema.Schema, ShopSchema.Data);
        var (report, folder) = await s.ExportAsync(FiveCustomers(s));

        // limit 5, six customers: the tree says where the sixth came from.
        Assert.Equal(6, report.Tables.Single(t => t.Table == "public.customer").Rows);
        Assert.Contains("public.customer (6 rows", report.Tree);
        Assert.Contains("5 selected by the filter + 1 more reached via customer_referred_by_fkey (self-reference)", report.Tree);
        Assert.Contains("FK cycle with public.staff (via store_manager_fk)", report.Tree);
        Assert.Contains("FK cycle with public.store (via staff_store_id_fkey)", report.Tree);

        var readme = await File.ReadAllTextAsync(Path.Combine(folder, "README.md"), Ct);
        Assert.StartsWith(SeedReadme.Marker + "\n", readme);
        Assert.Contains("- **Root:** `public.customer` — `order by id limit 5`", readme);
        var shape = MermaidShape.Parse(Assert.Single(MermaidShape.Blocks(readme)));
        var manifest = ManifestSerializer.Read(folder);

        // One node per exported table, with its row count; every FK between exported tables is an edge.
        Assert.Equal(manifest.Tables.Select(t => t.Name).Order(), shape.Nodes.Values.Select(l => MermaidShape.Decode(l).Split("<br/>")[0]).Order());
        foreach (var t in manifest.Tables)
            Assert.EndsWith($"<br/>{t.Rows} {(t.Rows == 1 ? "row" : "rows")}", shape.Nodes[shape.IdOf(t.Name)]);
        Assert.Equal(manifest.ForeignKeys.Select(f => f.Name).Order(), shape.Edges.Select(e => e.Label).Order());

        var customer = shape.IdOf("public.customer");
        Assert.Equal("root", shape.ClassOf[customer]);
        Assert.Equal("child", shape.ClassOf[shape.IdOf("public.invoice")]);
        Assert.Equal("parent", shape.ClassOf[shape.IdOf("public.country")]);
        Assert.Equal(shape.Nodes.Count, shape.ClassOf.Count);
        // The self-reference is a dotted loop; the cycle's edges are dotted unless they brought a table in; the FK that
        // brought the invoices in is thick.
        Assert.Contains((customer, "-.->", "customer_referred_by_fkey", customer), shape.Edges);
        Assert.Contains(shape.Edges, e => e.Label == "store_manager_fk" && e.Arrow == "-.->");
        Assert.Contains((shape.IdOf("public.invoice"), "==>", "invoice_customer_id_fkey", customer), shape.Edges);

        // The README is not part of the manifest: verify and import ignore it.
        Assert.True((await SeedVerifier.VerifyAsync(folder, Ct)).Ok);
        await using var copy = await pg.CreateDatabaseAsync(ShopSchema.Schema);
        var imported = await SeedImporter.ImportAsync(new ImportRequest { ConnectionString = copy.ConnectionString, SeedDirectory = folder }, null, Ct);
        Assert.Equal(manifest.Tables.Sum(t => t.Rows), imported.TotalRows);
    }

    [Fact]
    public async Task Readme_is_deterministic_never_replaces_a_users_readme_and_leaves_the_seed_files_byte_identical()
    {
        await using var s = await ExportScenario.CreateAsync(pg, ShopSchema.Schema, ShopSchema.Data);
        var request = FiveCustomers(s);
        var (_, folder) = await s.ExportAsync(request);
        var first = ReadAll(folder);
        await s.ExportAsync(request);
        Assert.Equal(first, ReadAll(folder));

        // Without a README the other files are exactly the same bytes.
        var (_, plain) = await s.ExportAsync(request with { OutputDirectory = s.NewFolder(), WriteReadme = false });
        var withoutReadme = ReadAll(plain);
        Assert.False(withoutReadme.ContainsKey("README.md"));
        Assert.Equal(first.Where(f => f.Key != "README.md").OrderBy(f => f.Key), withoutReadme.OrderBy(f => f.Key));

        // A README without the marker line is the user's: kept as it is.
        await File.WriteAllTextAsync(Path.Combine(folder, "README.md"), "# Our customers seed\n", Ct);
        await s.ExportAsync(request);
        Assert.Equal("# Our customers seed\n", await File.ReadAllTextAsync(Path.Combine(folder, "README.md"), Ct));
        Assert.True((await SeedVerifier.VerifyAsync(folder, Ct)).Ok);
    }

    [Fact]
    public async Task Dry_run_graph_renders_as_text_mermaid_and_dot_without_row_counts()
    {
        await using var s = await ExportScenario.CreateAsync(pg, ShopSchema.Schema, ShopSchema.Data);
        var (report, _) = await s.ExportAsync(FiveCustomers(s) with { DryRun = true });
        var graph = report.Graph!;
        Assert.False(graph.HasRows);

        var text = graph.Render(PlanFormat.Text);
        Assert.DoesNotContain(" rows", text);
        Assert.Contains("self-reference via customer_referred_by_fkey", text);
        Assert.Contains("FK cycle with public.staff", text);

        var shape = MermaidShape.Parse(graph.Render(PlanFormat.Mermaid));
        Assert.Equal(graph.Tables.Count, shape.Nodes.Count);
        Assert.Equal(graph.Edges.Count, shape.Edges.Count);

        var dot = graph.Render(PlanFormat.Dot);
        Assert.StartsWith("digraph seed {\n", dot);
        Assert.EndsWith("}\n", dot);
        Assert.Equal(graph.Edges.Count, dot.Split('\n').Count(l => l.Contains(" -> ")));
        Assert.Contains("[label=\"customer_referred_by_fkey\", style=dashed]", dot);
    }

    [Fact]
    public void Labels_escape_what_would_end_them()
    {
        Assert.Equal("public.#34;Odd#35;Name#34;", MermaidFlowchart.Escape("public.\"Odd#Name\""));
        Assert.Equal("a #60;b#62; #124; c", MermaidFlowchart.Escape("a <b> | c"));
    }

    /// <summary>
    /// The real Mermaid parser, when a node_modules folder with the <c>mermaid</c> package is named by
    /// PGSEED_MERMAID_NODE_MODULES (it needs npm packages, so the suite does not download it): every generated README
    /// of the sample's checked-in seeds must parse as a flowchart.
    /// </summary>
    [Fact]
    public async Task Sample_readmes_parse_with_mermaid_js_when_it_is_installed()
    {
        var modules = Environment.GetEnvironmentVariable("PGSEED_MERMAID_NODE_MODULES");
        Assert.SkipWhen(string.IsNullOrEmpty(modules) || !Directory.Exists(Path.Combine(modules, "mermaid")),
            "set PGSEED_MERMAID_NODE_MODULES to a node_modules folder holding mermaid (npm install mermaid) to run this");
        // Next to node_modules, so the bare imports resolve to the same (ESM) modules mermaid itself loads.
        var script = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modules!).TrimEnd('/'))!, $".pgseed-mermaid-{Guid.NewGuid():N}.mjs");
        await File.WriteAllTextAsync(script, """
            import { readFileSync } from 'node:fs';
            import purify from 'dompurify';
            // mermaid sanitises labels with DOMPurify, which needs a DOM; parsing does not.
            purify.addHook ??= () => {}; purify.removeHook ??= () => {}; purify.removeHooks ??= () => {}; purify.sanitize ??= s => s;
            const { default: mermaid } = await import('mermaid');
            for (const file of process.argv.slice(2))
              for (const m of readFileSync(file, 'utf8').matchAll(/```mermaid\n([\s\S]*?)```/g)) {
                const r = await mermaid.parse(m[1]);
                if (!r.diagramType.startsWith('flowchart')) throw new Error(file + ': ' + r.diagramType);
              }
            """, Ct);
        try
        {
            var start = new ProcessStartInfo("node") { RedirectStandardError = true, RedirectStandardOutput = true };
            start.ArgumentList.Add(script);
            foreach (var readme in Directory.GetFiles(Path.Combine(RepositoryFiles.Root, "samples", "Bookstore", "seeds"), "README.md", SearchOption.AllDirectories))
                start.ArgumentList.Add(readme);
            using var node = Process.Start(start)!;
            var error = await node.StandardError.ReadToEndAsync(Ct);
            await node.WaitForExitAsync(Ct);
            Assert.True(node.ExitCode == 0, error);
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static Dictionary<string, string> ReadAll(string folder) =>
        Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f)!, File.ReadAllText);
}
