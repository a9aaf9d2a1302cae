using PgSeed.Engine.Catalog;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Export;

/// <summary>
/// Decides, from the schema alone, which tables take part and along which FKs rows flow:
/// <list type="bullet">
/// <item>Parents, always: every FK of a participating table is followed to the rows it references.</item>
/// <item>Children, below roots only: rows referencing a descendant row (a root, or a row reached as a child)
/// are descendants too. Rows reached only as parents do not pull in their children.</item>
/// </list>
/// It also marks tables whose every row is selected (an unfiltered root and everything hanging from it by
/// mandatory FKs), which then need no key table at all.
/// <para>
/// Planning is a chain of small steps, each handing an immutable result to the next: the request resolved against
/// the catalog (<see cref="PlanScope"/>), the tables and FKs reached from the roots (<see cref="SubsetReach"/>), the
/// table rules applied to them (<see cref="AppliedRules"/>), and each table's role in the closure with the import
/// order (<see cref="StepClassification"/>). The <see cref="PlannedTable"/>s are built once from those results.
/// </para>
/// </summary>
internal static class SubsetPlanner
{
    public static SubsetPlan Plan(DatabaseCatalog catalog, ExportRequest request, ISeedLog log)
    {
        var scope = PlanScope.Resolve(catalog, request, log);
        var reach = SubsetReach.Walk(catalog, scope, request);
        var rules = AppliedRules.Apply(catalog, request.Rules, reach, log);
        var steps = StepClassification.Classify(scope, reach, rules);
        var plan = Assemble(scope, reach, rules, steps);
        KeyColumnGuard.Validate(plan.Tables.ToDictionary(t => t.Name), rules.Masks);
        return plan;
    }

    private static SubsetPlan Assemble(PlanScope scope, SubsetReach reach, AppliedRules rules, StepClassification steps)
    {
        var reached = reach.Tables.ToDictionary(t => t.Name);
        var planned = new Dictionary<TableName, PlannedTable>();
        PlannedTable Build(ReachedTable t)
        {
            if (planned.TryGetValue(t.Name, out var built)) return built;
            var role = steps[t.Name];
            var shape = rules[t.Name];
            return planned[t.Name] = new PlannedTable
            {
                Info = t.Info,
                Index = t.Index,
                KeyColumns = t.Info.RowKey,
                IsRoot = t.IsRoot,
                Down = t.Down,
                Reason = t.Reason,
                TreeParent = t.TreeParent,
                Where = shape.Where,
                WhereParameters = shape.WhereParameters,
                Transforms = shape.Transforms,
                Omitted = shape.Omitted,
                All = role.All,
                Entry = role.Entry,
                DerivedFrom = role.DerivedFrom,
                DerivedParent = role.DerivedFrom is { } entry ? Build(reached[entry.Parent]) : null,
                ReachedByParentSteps = role.ReachedByParentSteps,
                FromCompleteTablesOnly = role.FromCompleteTablesOnly,
                Payload = role.Payload.ToList().AsReadOnly(),
            };
        }
        var tables = reach.Tables.Select(Build).ToList();
        return new SubsetPlan
        {
            Tables = tables,
            Roots = scope.Roots.Select(r => new PlannedRoot(planned[r.Table.Name], r.Selection) { Partition = r.Partition }).ToList(),
            ParentEdges = reach.ParentEdges,
            ChildEdges = reach.ChildEdges,
            ImportOrder = steps.ImportOrder.Select(n => planned[n]).ToList(),
        };
    }
}
