using PgSeed.Engine.Catalog;

namespace PgSeed.Engine.Export;

/// <summary>
/// Planning, step 3: from the reach and the rules, each table's role in the closure — which tables are complete,
/// which are filled through one FK only (and of those, which are derived from their parent's row set instead of
/// holding one), which need conflict handling, which are filled in one statement as parents of complete tables,
/// and which columns each row set carries — and the import order. Each fact is one small function of the ones
/// before it. Cycles and self-references need no role of their own: the closure's rounds run to a fixpoint and
/// the import order breaks real cycles (<see cref="Catalog.ImportOrder"/>).
/// </summary>
/// <param name="Roles">Each reached table's role.</param>
/// <param name="ImportOrder">The reached tables, referenced tables before referencing ones where the FKs allow.</param>
internal sealed record StepClassification(IReadOnlyDictionary<TableName, TableRole> Roles, IReadOnlyList<TableName> ImportOrder)
{
    public TableRole this[TableName table] => Roles[table];

    public static StepClassification Classify(PlanScope scope, SubsetReach reach, AppliedRules rules)
    {
        var complete = CompleteTables(scope, reach, rules);
        var entries = SingleEntries(reach, rules, complete);
        var derived = DerivedTables(reach, complete, entries);
        var reachedByParentSteps = ReachedByParentSteps(reach, entries);
        var roles = reach.Tables.ToDictionary(t => t.Name, t => new TableRole(
            All: complete.Contains(t.Name),
            Entry: entries.GetValueOrDefault(t.Name),
            DerivedFrom: derived.GetValueOrDefault(t.Name),
            ReachedByParentSteps: reachedByParentSteps.Contains(t.Name),
            FromCompleteTablesOnly: FromCompleteTablesOnly(t, reach, rules, complete),
            Payload: Payload(t, reach)));
        var importOrder = PgSeed.Engine.Catalog.ImportOrder.Sort(reach.Tables.Select(t => t.Name).ToList(), reach.ParentEdges.Concat(reach.ChildEdges).Distinct().ToList());
        return new StepClassification(roles, importOrder);
    }

    /// <summary>
    /// A table is complete (every row exported, all descendants) when it is a root without filter or raw query,
    /// or hangs from a complete table through a mandatory (all NOT NULL) FK that is followed downwards — every such
    /// row references some exported row. Table rules with a where condition opt out; virtual FKs never count.
    /// </summary>
    private static HashSet<TableName> CompleteTables(PlanScope scope, SubsetReach reach, AppliedRules rules)
    {
        var complete = scope.Roots.Where(r => r.Unfiltered && rules[r.Table.Name].Where is null).Select(r => r.Table.Name).ToHashSet();
        bool changed;
        do
        {
            changed = false;
            foreach (var fk in reach.ChildEdges)
                if (complete.Contains(fk.Parent) && !complete.Contains(fk.Child) && fk.Mandatory && !fk.Virtual && rules[fk.Child].Where is null)
                    changed |= complete.Add(fk.Child);
        } while (changed);
        return complete;
    }

    /// <summary>
    /// Tables whose rows arrive through exactly one child FK: not a root, not complete, no where rule, nothing
    /// references them. Each row is found once, so the row set needs no unique index and no conflict handling.
    /// </summary>
    private static Dictionary<TableName, ForeignKeyInfo> SingleEntries(SubsetReach reach, AppliedRules rules, HashSet<TableName> complete)
    {
        var entries = new Dictionary<TableName, ForeignKeyInfo>();
        foreach (var t in reach.Tables)
            if (!t.IsRoot && !complete.Contains(t.Name) && rules[t.Name].Where is null &&
                reach.ChildEdges.Count(f => f.Child == t.Name) == 1 && !reach.ParentEdges.Any(f => f.Parent == t.Name))
                entries[t.Name] = reach.ChildEdges.Single(f => f.Child == t.Name);
        return entries;
    }

    /// <summary>
    /// A single-entry table read once (by its COPY) is derived from its parent's row set and never materialised;
    /// one read again (its rows lead to parents that are not complete) keeps a row set of its own. The parent is
    /// never derived itself: the entry FK is one of the table's parent edges, so something references the parent.
    /// </summary>
    private static Dictionary<TableName, ForeignKeyInfo> DerivedTables(SubsetReach reach, HashSet<TableName> complete,
        Dictionary<TableName, ForeignKeyInfo> entries)
    {
        var derived = new Dictionary<TableName, ForeignKeyInfo>();
        foreach (var t in reach.Tables)
        {
            if (!entries.TryGetValue(t.Name, out var entry)) continue;
            var readAgain = reach.ParentEdges.Any(f => f.Child == t.Name && f != entry && !complete.Contains(f.Parent));
            if (!readAgain && !complete.Contains(entry.Parent)) derived[t.Name] = entry;
        }
        return derived;
    }

    /// <summary>
    /// Tables some parent step adds rows to (other than the step back up a single-entry table's own entry FK, which
    /// never runs): their row sets may hold rows that are not descendants yet, which a child step must then promote.
    /// </summary>
    private static HashSet<TableName> ReachedByParentSteps(SubsetReach reach, Dictionary<TableName, ForeignKeyInfo> entries) =>
        reach.ParentEdges.Where(fk => entries.GetValueOrDefault(fk.Child) != fk).Select(fk => fk.Parent).ToHashSet();

    /// <summary>
    /// Rows arrive only as parents of complete tables (a lookup table in a full export): every one of them is known
    /// from the start, so one statement fills the row set.
    /// </summary>
    private static bool FromCompleteTablesOnly(ReachedTable t, SubsetReach reach, AppliedRules rules, HashSet<TableName> complete)
    {
        var referencedBy = reach.ParentEdges.Where(f => f.Parent == t.Name).ToList();
        return !complete.Contains(t.Name) && !t.Down && rules[t.Name].Where is null && referencedBy.Count > 0 && referencedBy.All(f => complete.Contains(f.Child));
    }

    /// <summary>
    /// Non-key columns the closure reads from the table's rows: the FK columns of its parent edges, then the
    /// referenced columns of its child edges, each once, in edge order.
    /// </summary>
    private static List<string> Payload(ReachedTable t, SubsetReach reach)
    {
        var key = t.Info.RowKey;
        var payload = new List<string>();
        var columns = reach.ParentEdges.Where(f => f.Child == t.Name).SelectMany(f => f.Columns)
            .Concat(reach.ChildEdges.Where(f => f.Parent == t.Name).SelectMany(f => f.ParentColumns));
        foreach (var c in columns)
            if ((key is null || !key.Contains(c)) && !payload.Contains(c)) payload.Add(c);
        return payload;
    }
}

/// <summary>A table's role in the closure (see <see cref="PlannedTable"/> for what each one changes).</summary>
/// <param name="All">Every row is exported: no row set at all.</param>
/// <param name="Entry">The one child FK its rows arrive through, if so.</param>
/// <param name="DerivedFrom">The entry FK, when the row set is its parent's descendants' children, never materialised.</param>
/// <param name="ReachedByParentSteps">Some parent step may add rows that a child step must then promote.</param>
/// <param name="FromCompleteTablesOnly">Its rows are exactly the parents of complete tables' rows: one statement.</param>
/// <param name="Payload">Non-key columns the row set carries for later steps.</param>
internal sealed record TableRole(bool All, ForeignKeyInfo? Entry, ForeignKeyInfo? DerivedFrom, bool ReachedByParentSteps,
    bool FromCompleteTablesOnly, IReadOnlyList<string> Payload);
