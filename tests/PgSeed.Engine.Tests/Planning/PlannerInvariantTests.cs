using PgSeed.Engine.Catalog;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;

namespace PgSeed.Engine.Tests.Planning;

/// <summary>
/// What every plan must satisfy, checked on random catalogs (keys primary, unique or missing; composite FKs to any
/// key; self-references and cycles, nullable or not) and random requests (filters, several roots, children or not,
/// excluded edges, where rules): integrity (every FK of a planned table is followed up), descent below the roots
/// only, and roles consistent with the closure's assumptions. In memory; a failure names its case's seed.
/// </summary>
[Trait("Category", "InMemory")] // needs no PostgreSQL
public class PlannerInvariantTests
{
    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < 20; i++) data.Add(i * 50);
        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Plans_of_random_catalogs_keep_the_planner_invariants(int first)
    {
        var planned = 0;
        for (var seed = first; seed < first + 50; seed++)
        {
            var random = new Random(seed);
            var builder = RandomCatalog(random, out var tables);
            var request = RandomRequest(random, builder.Build(), tables);
            SubsetPlan plan;
            try
            {
                plan = SubsetPlanner.Plan(builder.Build(), request, NullSeedLog.Instance);
            }
            catch (PgSeedException)
            {
                continue; // refused requests (a where rule on a key column, say) are the error tests' business
            }
            planned++;
            try
            {
                Check(plan, request);
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"case {seed}: {e.Message}", e);
            }
        }
        Assert.True(planned > 25, $"only {planned} of 50 requests were planned");
    }

    private static void Check(SubsetPlan plan, ExportRequest request)
    {
        var byName = plan.Tables.ToDictionary(t => t.Name);
        Assert.Equal(Enumerable.Range(0, plan.Tables.Count), plan.Tables.Select(t => t.Index));
        var excludedEdges = request.ExcludedEdges.ToHashSet();
        foreach (var root in plan.Roots) Assert.True(root.Table.IsRoot && root.Table.Down);

        foreach (var t in plan.Tables)
        {
            // Integrity: every FK of an exported table is followed to its parent.
            foreach (var fk in t.Info.ForeignKeys) Assert.Contains(fk, plan.ParentEdges);
            // Descent: below descendants every FK referencing them is followed down (unless excluded); never below others.
            if (t.Down && request.Children == ChildrenMode.All)
                foreach (var fk in t.Info.ReferencedBy.Where(f => !excludedEdges.Contains(f.Display)))
                    Assert.Contains(fk, plan.ChildEdges);
            if (!t.IsRoot) Assert.True(plan.ChildEdges.Any(f => f.Child == t.Name) || plan.ParentEdges.Any(f => f.Parent == t.Name), $"{t} reached from nowhere");
            Assert.Equal(t.Down && !t.IsRoot, plan.ChildEdges.Any(f => f.Child == t.Name && byName[f.Parent].Down) && !t.IsRoot);

            // Complete tables: descendants without where rule, each an unfiltered root or a mandatory child of a complete table.
            if (t.All)
            {
                Assert.True(t.Down && t.Where is null);
                Assert.True(t.IsRoot || plan.ChildEdges.Any(f => f.Child == t.Name && f.Mandatory && byName[f.Parent].All), $"{t} complete without reason");
            }
            // Single entry: one child FK in, nothing referencing the table; derived: read from a parent row set that exists.
            if (t.Entry is { } entry)
            {
                Assert.Equal(entry, Assert.Single(plan.ChildEdges, f => f.Child == t.Name));
                Assert.DoesNotContain(plan.ParentEdges, f => f.Parent == t.Name);
                Assert.False(t.IsRoot || t.All);
            }
            Assert.Equal(t.DerivedFrom is null, t.DerivedParent is null);
            if (t.DerivedFrom is { } from)
            {
                Assert.Equal(t.Entry, from);
                Assert.Same(byName[from.Parent], t.DerivedParent);
                Assert.True(t.DerivedParent!.HasKeyTable && !t.DerivedParent.Derived);
                Assert.False(t.HasKeyTable);
            }
            if (t.FromCompleteTablesOnly)
            {
                Assert.False(t.All || t.Down);
                Assert.All(plan.ParentEdges.Where(f => f.Parent == t.Name), f => Assert.True(byName[f.Child].All));
            }
            // The row set carries every non-key column a step reads, each once.
            var needed = plan.ParentEdges.Where(f => f.Child == t.Name).SelectMany(f => f.Columns)
                .Concat(plan.ChildEdges.Where(f => f.Parent == t.Name).SelectMany(f => f.ParentColumns))
                .Where(c => t.KeyColumns is null || !t.KeyColumns.Contains(c)).Distinct().ToList();
            Assert.Equal(needed, t.Payload);
        }

        // Import order: every table once; parents first except at the FKs broken on cycles, which are on a cycle.
        Assert.Equal(plan.Tables.Select(t => t.Name).Order(), plan.ImportOrder.Select(t => t.Name).Order());
        var edges = plan.ParentEdges.Concat(plan.ChildEdges).Distinct().ToList();
        var order = ImportOrder.Order(plan.Tables.Select(t => t.Name).ToList(), edges);
        Assert.Equal(order.Tables, plan.ImportOrder.Select(t => t.Name));
        var position = order.Tables.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i);
        foreach (var fk in edges.Where(f => !f.IsSelfReference && !order.BrokenForeignKeys.Contains(f)))
            Assert.True(position[fk.Parent] < position[fk.Child], $"{fk} loads its child first");
        foreach (var fk in order.BrokenForeignKeys)
            Assert.True(Reaches(fk.Parent, fk.Child, edges), $"{fk} broken but on no cycle");
    }

    /// <summary>Whether <paramref name="to"/> is reachable from <paramref name="from"/> following FKs from child to parent.</summary>
    private static bool Reaches(TableName from, TableName to, List<ForeignKeyInfo> edges)
    {
        var seen = new HashSet<TableName> { from };
        var queue = new Queue<TableName>([from]);
        while (queue.Count > 0)
        {
            var t = queue.Dequeue();
            if (t == to) return true;
            foreach (var fk in edges.Where(f => f.Child == t && seen.Add(f.Parent))) queue.Enqueue(fk.Parent);
        }
        return false;
    }

    private static CatalogBuilder RandomCatalog(Random r, out List<(string Name, string[] Columns)> tables)
    {
        var b = new CatalogBuilder();
        tables = [];
        var n = r.Next(1, 9);
        for (var i = 0; i < n; i++)
        {
            var name = $"t{i}";
            var kind = r.Next(5);
            var columns = new List<string> { "id", kind == 4 ? "k2?" : "k2" };
            for (var j = r.Next(1, 6); j > 0; j--) columns.Add(r.Next(2) == 0 ? $"c{j}" : $"c{j}?");
            b.Table(name, columns.ToArray(), kind switch { 0 or 1 => ["id"], 2 => ["id", "k2"], _ => null });
            if (kind >= 3) b.Unique(name, $"{name}_key", "id", "k2"); // a row key, or (nullable k2) none: ctid
            tables.Add((name, columns.ToArray()));
        }
        for (var i = r.Next(0, 2 * n + 1); i > 0; i--)
        {
            var child = tables[r.Next(n)];
            var parent = tables[r.Next(n)];
            var composite = r.Next(3) == 0;
            var free = child.Columns.Where(c => c.StartsWith('c')).Select(c => c.TrimEnd('?')).OrderBy(_ => r.Next()).Take(composite ? 2 : 1).ToArray();
            if (free.Length < (composite ? 2 : 1)) continue;
            b.ForeignKey($"{child.Name}_fk{i}", child.Name, free, parent.Name, composite ? ["id", "k2"] : ["id"], deferrable: r.Next(6) == 0);
        }
        return b;
    }

    private static ExportRequest RandomRequest(Random r, DatabaseCatalog catalog, List<(string Name, string[] Columns)> tables)
    {
        var roots = Enumerable.Range(0, r.Next(1, 3))
            .Select(_ => new RootSelection { Table = tables[r.Next(tables.Count)].Name, Filter = r.Next(2) == 0 ? "where id < 5" : null })
            .ToArray();
        var fks = catalog.ForeignKeys;
        return new ExportRequest
        {
            ConnectionString = "Host=unused",
            OutputDirectory = "unused",
            Roots = roots,
            Children = r.Next(4) == 0 ? ChildrenMode.None : ChildrenMode.All,
            ExcludedEdges = fks.Count > 0 && r.Next(3) == 0 ? [fks[r.Next(fks.Count)].Display] : [],
            Rules = r.Next(3) == 0 ? [new TableRule { Table = tables[r.Next(tables.Count)].Name, Where = "id % 2 = 0" }] : [],
        };
    }
}
