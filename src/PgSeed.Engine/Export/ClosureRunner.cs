using System.Diagnostics;
using Npgsql;
using PgSeed.Engine.Catalog;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Export;

/// <summary>
/// Computes the subset: seeds the roots' row sets, then runs rounds of parent and child steps until a round adds
/// nothing (a fixpoint over row keys: every path, cycles and self-references included). Where the row sets live —
/// temporary tables on the server, or key sets in this process — is the <see cref="ClosureStore"/>'s business; the
/// rounds, their statements and their order are the same for both.
/// </summary>
internal sealed class ClosureRunner(SubsetPlan plan, ClosureStore store, ISeedLog log)
{
    public int Rounds { get; private set; }

    /// <summary>Rows each root's filter or raw query selected (the rest of a root table's rows came through FKs).</summary>
    public Dictionary<PlannedTable, long> RootRows { get; } = new();

    /// <summary>FKs along which some step added rows to a table: what explains the rows a filter did not select.</summary>
    public HashSet<(PlannedTable Target, ForeignKeyInfo Fk)> RowsArrivedVia { get; } = new();

    private readonly ISeedProgress _progress = SeedProgress.For(log);

    /// <summary>The statements, for dry runs and logs.</summary>
    public IEnumerable<string> DescribeSteps() => BuildSteps().Select(store.DescribeStep);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var changed = new HashSet<PlannedTable>(plan.Tables.Where(t => t.All));
        // Rows each table gained in the previous round: how many keys a child step starts from.
        var added = new Dictionary<PlannedTable, long>();
        // Which steps added the rows of each table in the previous round (null: root selection).
        var addedBy = new Dictionary<PlannedTable, HashSet<ClosureStep?>>();
        foreach (var root in plan.Roots)
        {
            if (root.Table.All) continue;
            var rows = await store.SeedRootAsync(root, cancellationToken).ConfigureAwait(false);
            log.Detail($"{root.Table.Name.Display}: {rows} root rows selected");
            RootRows[root.Table] = RootRows.GetValueOrDefault(root.Table) + rows;
            if (rows > 0)
            {
                added[root.Table] = added.GetValueOrDefault(root.Table) + rows;
                changed.Add(root.Table);
                (addedBy.TryGetValue(root.Table, out var by) ? by : addedBy[root.Table] = new()).Add(null);
            }
        }

        var steps = BuildSteps();
        foreach (var s in steps) log.Sql(store.DescribeStep(s).Replace("@r", "<previous round>"));
        var round = 0;
        var watch = Stopwatch.StartNew();
        while (changed.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var active = Statements(steps.Where(s => changed.Contains(s.Source) && !Redundant(s, addedBy)).ToList());
            if (active.Count == 0) break;
            var failedAt = -1;
            long[] counts;
            try
            {
                counts = await store.RunRoundAsync(active, round, added, i => failedAt = i, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                throw ExportPrivileges.Denied(e);
            }
            catch (PostgresException e) when (IsEnvironmental(e.SqlState))
            {
                // Out of disk or memory, the server shutting down, a lost connection: not the rule's fault.
                throw PgSeedErrors.From(e, $"computing the subset (round {round + 1})");
            }
            catch (PostgresException e)
            {
                // Errors while a batch is parsed (e.g. a where rule's type mismatch) name no statement:
                // blame the first step with a where rule, the only user SQL in a step.
                var step = failedAt >= 0
                    ? active[failedAt].Steps[0]
                    : active.SelectMany(a => a.Steps).FirstOrDefault(s => s.Target.Where is not null) ?? active[0].Steps[0];
                throw new PgSeedException(ErrorCode.BadFilter,
                    $"Following {step.Source.Name.Display} -> {step.Target.Name.Display} failed: {e.MessageText}" +
                    (step.Parameters.Count > 0 || step.Target.Where is not null ? " (check the where rule of " + step.Target.Name.Display + ")" : ""), e)
                    { Table = step.Target.Name.Display };
            }
            changed.Clear();
            addedBy.Clear();
            added.Clear();
            for (var i = 0; i < active.Count; i++)
                if (counts[i] > 0) Recorded(active[i], counts[i]);
            round++;
            _progress.ClosureRound(round, added.Values.Sum());
        }
        Rounds = round;

        void Recorded(ClosureStatement statement, long rows)
        {
            var target = statement.Target;
            added[target] = added.GetValueOrDefault(target) + rows;
            changed.Add(target);
            foreach (var step in statement.Steps)
            {
                (addedBy.TryGetValue(target, out var by) ? by : addedBy[target] = new()).Add(step);
                RowsArrivedVia.Add((target, step.Fk));
            }
        }
        log.Detail($"closure: {round} rounds in {SummaryTree.Time(watch.Elapsed)}");
    }

    /// <summary>
    /// The round's statements: one per step, except that child steps into the same table along FKs no index covers
    /// would each scan that whole table: they become one statement that scans it once (ClosureSql.MergedChildStep).
    /// </summary>
    private static List<ClosureStatement> Statements(List<ClosureStep> steps)
    {
        static bool Unindexed(ClosureStep s) => s.Downward && !s.Source.All && !s.Target.Info.HasIndexOn(s.Fk.Columns);
        var merged = steps.Where(Unindexed).GroupBy(s => s.Target).Where(g => g.Count() > 1).ToDictionary(g => g.Key, g => g.ToList());
        var statements = new List<ClosureStatement>();
        foreach (var step in steps)
        {
            if (!Unindexed(step) || !merged.TryGetValue(step.Target, out var group)) statements.Add(new ClosureStatement(step.Sql, step.Parameters, [step]));
            else if (group[0] == step)
                statements.Add(new ClosureStatement(ClosureSql.MergedChildStep(group.Select(s => (s.Fk, s.Source)).ToList(), step.Target, "@r"), step.Parameters, group));
        }
        return statements;
    }

    /// <summary>
    /// A parent step along an FK is redundant when every row its source gained last round came down that same
    /// FK: each such row's parent is the row that brought it in. (On a large subset this skips the most
    /// expensive steps, e.g. order lines looking up orders they were just found from.)
    /// </summary>
    private static bool Redundant(ClosureStep step, Dictionary<PlannedTable, HashSet<ClosureStep?>> addedBy) =>
        !step.Downward && !step.Source.All && addedBy.TryGetValue(step.Source, out var by) && by.Count > 0 &&
        by.All(s => s is not null && s.Downward && s.Fk == step.Fk);

    private List<ClosureStep> BuildSteps()
    {
        var steps = new List<ClosureStep>();
        // Child steps first: a row found as a descendant in the same round as it is referenced is then inserted
        // once, as a descendant, instead of being added as a parent and promoted (a conflict) right after.
        foreach (var fk in plan.ChildEdges)
        {
            var parent = plan[fk.Parent];
            var child = plan[fk.Child];
            if (child.All || child.Derived) continue;
            steps.Add(new ClosureStep(ClosureSql.ChildStep(fk, parent, child, "@r"), parent, child, child.WhereParameters, fk, Downward: true)
                { ByKeysSql = ClosureSql.ChildStepByKeys(fk, parent, child, "@r") });
        }
        foreach (var parent in plan.Tables.Where(t => t.FromCompleteTablesOnly))
        {
            // Runs once, in the first round (complete tables count as changed then).
            var fks = plan.ParentEdges.Where(f => f.Parent == parent.Name).ToList();
            steps.Add(new ClosureStep(ClosureSql.ParentOfCompleteTablesStep(parent, fks, "@r"), plan[fks[0].Child], parent,
                new Dictionary<string, object?>(), fks[0], Downward: false) { FromCompleteTables = fks });
        }
        foreach (var fk in plan.ParentEdges)
        {
            var child = plan[fk.Child];
            var parent = plan[fk.Parent];
            if (parent.All || parent.FromCompleteTablesOnly) continue; // every row is already in, or the step above
            // The step back up a single-entry table's entry FK finds only the rows that brought its rows in. A derived
            // table has no key table: its other parent steps run when its entry parent gains descendants.
            if (fk == child.Entry) continue;
            var source = child.Derived ? child.DerivedParent! : child;
            steps.Add(new ClosureStep(ClosureSql.ParentStep(fk, child, parent, "@r"), source, parent, new Dictionary<string, object?>(), fk, Downward: false));
        }
        return steps;
    }

    /// <summary>
    /// Failures of the server or the session rather than of a step's SQL: connection (08), transaction rollback such as a
    /// conflict with recovery on a standby (40), insufficient resources (53), operator intervention (57), system (58),
    /// internal (XX). Everything else (syntax, types, values, a rule's function raising) is blamed on the step's rule.
    /// </summary>
    private static bool IsEnvironmental(string sqlState) =>
        sqlState.Length >= 2 && sqlState[..2] is "08" or "40" or "53" or "57" or "58" or "XX";
}
