using PgSeed.Engine.Catalog;
using PgSeed.Engine.Picture;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Export;

/// <summary>Builds the <see cref="SeedGraph"/> of a plan, with the rows an export found when there are any.</summary>
internal static class SeedGraphBuilder
{
    /// <param name="rows">Rows and bytes per table after the copy; null for a plan.</param>
    /// <param name="closure">The closure that ran (explains a root table's extra rows); null for a plan.</param>
    /// <param name="plan">The planned tables and FKs.</param>
    public static SeedGraph Build(SubsetPlan plan, IReadOnlyDictionary<TableName, (long Rows, long Bytes)>? rows = null, ClosureRunner? closure = null)
    {
        var edges = plan.ParentEdges.Concat(plan.ChildEdges).Distinct()
            .OrderBy(f => f.Child).ThenBy(f => f.Name, StringComparer.Ordinal).ToList();
        var (cycleEdges, mates) = PlanCycles.Find(plan.ImportOrder.Select(t => t.Name).ToList(), edges);

        var tables = plan.ImportOrder.Select(t =>
        {
            var notes = new List<string>();
            if (rows is not null && closure is not null && closure.RootRows.TryGetValue(t, out var selected) && rows[t.Name].Rows > selected)
            {
                // A filter selected N rows, the seed holds more: say which FKs brought the others.
                var via = closure.RowsArrivedVia.Where(a => a.Target == t).Select(a => a.Fk).Distinct()
                    .OrderBy(f => f.Child).ThenBy(f => f.Name, StringComparer.Ordinal)
                    .Select(f => $"{Identifier.QuoteIfNeeded(f.Name)}{(f.IsSelfReference ? " (self-reference)" : "")}").ToList();
                notes.Add($"{selected} selected by the {(plan.Roots.First(r => r.Table == t).Selection.Raw is null ? "filter" : "raw query")} + " +
                          $"{rows[t.Name].Rows - selected} more reached via {(via.Count == 0 ? "foreign keys" : string.Join(", ", via))}");
            }
            // (A self-reference that brought a root's extra rows is named above already.)
            foreach (var fk in edges.Where(f => f.IsSelfReference && f.Child == t.Name && !(closure?.RowsArrivedVia.Contains((t, f)) == true && closure.RootRows.ContainsKey(t))))
                notes.Add($"self-reference via {Identifier.QuoteIfNeeded(fk.Name)}");
            if (mates.TryGetValue(t.Name, out var others))
            {
                var outgoing = edges.Where(f => f.Child == t.Name && !f.IsSelfReference && others.Contains(f.Parent)).Select(f => Identifier.QuoteIfNeeded(f.Name)).ToList();
                notes.Add($"FK cycle with {string.Join(", ", others.Select(o => o.Display))}" + (outgoing.Count > 0 ? $" (via {string.Join(", ", outgoing)})" : ""));
            }
            return new SeedGraphTable
            {
                Name = t.Name.Display,
                Role = t.IsRoot ? SeedTableRole.Root : t.Down ? SeedTableRole.Child : SeedTableRole.Parent,
                Reason = t.Reason,
                TreeParent = t.TreeParent?.Display,
                AllRows = t.All,
                Rows = rows?[t.Name].Rows,
                Bytes = rows?[t.Name].Bytes,
                Notes = notes,
            };
        }).ToList();

        return new SeedGraph
        {
            Tables = tables,
            Edges = edges.Select(f => new SeedGraphEdge
            {
                ForeignKey = f.Name,
                From = f.Child.Display,
                To = f.Parent.Display,
                Explains = Explains(plan, f),
                InCycle = cycleEdges.Contains(f),
                Virtual = f.Virtual,
            }).ToList(),
        };
    }

    /// <summary>The FK is how its child was reached from its parent, or its parent from its child (the tree's edge).</summary>
    private static bool Explains(SubsetPlan plan, ForeignKeyInfo fk)
    {
        var child = plan.Find(fk.Child);
        var parent = plan.Find(fk.Parent);
        var via = " via " + Identifier.QuoteIfNeeded(fk.Name);
        return (child?.TreeParent == fk.Parent && child.Reason.EndsWith(via, StringComparison.Ordinal) && child.Reason.StartsWith("child of", StringComparison.Ordinal)) ||
               (parent?.TreeParent == fk.Child && parent.Reason.EndsWith(via, StringComparison.Ordinal) && parent.Reason.StartsWith("parent of", StringComparison.Ordinal));
    }
}
