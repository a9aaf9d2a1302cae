using PgSeed.Engine.Catalog;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;

namespace PgSeed.Engine.Tests.Planning;

/// <summary>Requests and plans for the in-memory planner tests, and compact text forms of what they assert.</summary>
internal static class PlannerKit
{
    public static RootSelection Root(string table, string? filter = null) => new() { Table = table, Filter = filter };

    public static ExportRequest Request(params RootSelection[] roots) =>
        new() { ConnectionString = "Host=unused", OutputDirectory = "unused", Roots = roots };

    public static SubsetPlan Plan(CatalogBuilder catalog, ExportRequest request) =>
        SubsetPlanner.Plan(catalog.Build(), request, NullSeedLog.Instance);

    public static SubsetPlan Plan(CatalogBuilder catalog, params RootSelection[] roots) => Plan(catalog, Request(roots));

    public static PlannedTable Table(this SubsetPlan plan, string name) => plan[new TableName("public", name)];

    /// <summary><c>child.fk_name</c> of each FK, in order.</summary>
    public static string[] Edges(IEnumerable<ForeignKeyInfo> fks) => fks.Select(f => $"{f.Child.Name}.{f.Name}").ToArray();

    public static string[] Names(IEnumerable<PlannedTable> tables) => tables.Select(t => t.Name.Name).ToArray();

    /// <summary>The tables of the plan, each with its role: <c>name: root down all entry=fk derived=fk parent-steps from-complete</c>.</summary>
    public static string[] Roles(SubsetPlan plan) => plan.Tables.Select(Role).ToArray();

    public static string Role(PlannedTable t) => string.Join(" ", new[]
    {
        t.Name.Name + ":",
        t.IsRoot ? "root" : null,
        t.Down ? "down" : null,
        t.All ? "all" : null,
        t.Entry is { } e ? $"entry={e.Name}" : null,
        t.DerivedFrom is { } d ? $"derived={d.Name}" : null,
        t.ReachedByParentSteps ? "parent-steps" : null,
        t.FromCompleteTablesOnly ? "from-complete" : null,
        t.UsesCtid ? "ctid" : null,
    }.Where(s => s is not null));
}
