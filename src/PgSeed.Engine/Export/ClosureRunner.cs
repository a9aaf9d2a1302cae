using System.Diagnostics;
using Npgsql;
using PgSeed.Engine.Catalog;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Export;

/// <summary>
/// Computes the subset inside the database: seeds the roots' key tables, then runs rounds of parent and
/// child steps until a round adds nothing (a fixpoint over row keys: every path, cycles and
/// self-references included). No row data leaves the server.
/// </summary>
internal sealed class ClosureRunner(NpgsqlConnection connection, SubsetPlan plan, ISeedLog log)
{
    /// <summary>A step of a round: one FK followed in one direction.</summary>
    private sealed record Step(string Sql, PlannedTable Source, PlannedTable Target, IReadOnlyDictionary<string, object?> Parameters,
        ForeignKeyInfo Fk, bool Downward)
    {
        /// <summary>The child step by key array (<see cref="ClosureSql.ChildStepByKeys"/>), where the FK allows it.</summary>
        public string? ByKeysSql { get; init; }
    }


    public int Rounds { get; private set; }

    /// <summary>Rows each root's filter or raw query selected (the rest of a root table's rows came through FKs).</summary>
    public Dictionary<PlannedTable, long> RootRows { get; } = new();

    /// <summary>FKs along which some step added rows to a table: what explains the rows a filter did not select.</summary>
    public HashSet<(PlannedTable Target, ForeignKeyInfo Fk)> RowsArrivedVia { get; } = new();

    private readonly ISeedProgress _progress = SeedProgress.For(log);

    private readonly HashSet<PlannedTable> _stale = new();
    private readonly HashSet<Step> _loggedByKeys = new();

    /// <summary>Key tables changed since they were last analysed (after the run: to analyse before copying).</summary>
    public IReadOnlyCollection<PlannedTable> Unanalyzed => _stale;

    private static bool Profile => Environment.GetEnvironmentVariable("PGSEED_PROFILE") == "1";

    /// <summary>The statements, for dry runs and logs.</summary>
    public IEnumerable<string> DescribeSteps() => BuildSteps().Select(s => s.Sql);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var changed = new HashSet<PlannedTable>(plan.Tables.Where(t => t.All));
        // Rows each table gained in the previous round: how many keys a child step starts from.
        var added = new Dictionary<PlannedTable, long>();
        // Which steps added the rows of each table in the previous round (null: root selection).
        var addedBy = new Dictionary<PlannedTable, HashSet<Step?>>();
        foreach (var root in plan.Roots)
        {
            if (root.Table.All) continue;
            var sql = ClosureSql.SeedRoot(root);
            log.Sql(sql);
            await using var cmd = new NpgsqlCommand(sql, connection);
            if (root.Table.Where is not null)
                foreach (var (name, value) in root.Table.WhereParameters) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
            int rows;
            try
            {
                rows = await cmd.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException e)
            {
                throw UserSqlErrors.Translate(e, root, ClosureSql.UserSqlOffset(root));
            }
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
        foreach (var s in steps) log.Sql(s.Sql.Replace("@r", "<previous round>"));
        // Key tables that grew since their statistics were taken: analysed at the start of the next round's
        // batch (same round trip), so each step is planned for the real sizes (hash join or index probes).
        _stale.UnionWith(changed.Where(t => t.HasKeyTable));
        var round = 0;
        var watch = Stopwatch.StartNew();
        while (changed.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var active = Statements(steps.Where(s => changed.Contains(s.Source) && !Redundant(s, addedBy)).ToList(), added);
            if (active.Count == 0) break;
            // One round trip: ANALYZE of the tables that grew, then the round's statements.
            var commands = _stale.OrderBy(t => t.Index)
                .Select(t => new Command(ClosureSql.Analyze(t), NoParameters, $"ANALYZE {t.Name.Display}", UsesRound: false))
                .Concat(active.Select(a => new Command(a.Sql, a.Parameters,
                    $"{string.Join(" + ", a.Steps.Select(s => s.Source.Name.Display))} -> {a.Steps[0].Target.Name.Display}")))
                .ToList();
            var analyzed = _stale.Count;
            _stale.Clear();
            var failedAt = -1;
            long[] counts;
            try
            {
                counts = Profile
                    ? await OneByOneAsync(commands, round, i => failedAt = i, cancellationToken)
                    : await BatchAsync(commands, round, i => failedAt = i, cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                throw ExportPrivileges.Denied(e);
            }
            catch (PostgresException e)
            {
                // Errors while the batch is parsed (e.g. a where rule's type mismatch) name no statement:
                // blame the first step with a where rule, the only user SQL in a step.
                var step = failedAt >= analyzed
                    ? active[failedAt - analyzed].Steps[0]
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
                if (counts[analyzed + i] > 0) Recorded(active[i], counts[analyzed + i]);
            _stale.UnionWith(changed.Where(t => t.HasKeyTable));
            round++;
            _progress.ClosureRound(round, added.Values.Sum());
        }
        Rounds = round;

        void Recorded(Statement statement, long rows)
        {
            var target = statement.Steps[0].Target;
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

    /// <summary>A statement of a round's batch; a step reads the previous round's number as @r, an ANALYZE does not.</summary>
    private sealed record Command(string Sql, IReadOnlyDictionary<string, object?> Parameters, string Label, bool UsesRound = true);
    private static readonly IReadOnlyDictionary<string, object?> NoParameters = new Dictionary<string, object?>();

    /// <summary>A round's commands in one batch; returns the rows each affected.</summary>
    private async Task<long[]> BatchAsync(IReadOnlyList<Command> commands, int round, Action<int> failing, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        foreach (var c in commands)
        {
            var command = new NpgsqlBatchCommand(c.Sql);
            if (c.UsesRound) command.Parameters.AddWithValue("r", round);
            foreach (var (name, value) in c.Parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            batch.BatchCommands.Add(command);
        }
        try
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e)
        {
            failing(e.BatchCommand is null ? -1 : batch.BatchCommands.IndexOf(e.BatchCommand));
            throw;
        }
        return batch.BatchCommands.Cast<NpgsqlBatchCommand>().Select(c => (long)c.RecordsAffected).ToArray();
    }

    /// <summary>Diagnostics (PGSEED_PROFILE=1): one command at a time, each logged with its rows and time.</summary>
    private async Task<long[]> OneByOneAsync(IReadOnlyList<Command> commands, int round, Action<int> failing, CancellationToken cancellationToken)
    {
        var counts = new long[commands.Count];
        for (var i = 0; i < commands.Count; i++)
        {
            failing(i);
            var clock = Stopwatch.StartNew();
            await using var single = new NpgsqlCommand(commands[i].Sql, connection);
            if (commands[i].UsesRound) single.Parameters.AddWithValue("r", round);
            foreach (var (name, value) in commands[i].Parameters) single.Parameters.AddWithValue(name, value ?? DBNull.Value);
            counts[i] = await single.ExecuteNonQueryAsync(cancellationToken);
            log.Detail($"round {round + 1}: {commands[i].Label}{(commands[i].UsesRound ? $": {counts[i]} rows" : "")} in {SummaryTree.Time(clock.Elapsed)}");
        }
        return counts;
    }

    /// <summary>What one round runs: a step, or several child steps into one table merged into one scan.</summary>
    private sealed record Statement(string Sql, IReadOnlyDictionary<string, object?> Parameters, IReadOnlyList<Step> Steps);

    /// <summary>
    /// The round's statements. A child step whose parent table gained few rows last round (next to the child
    /// table's size) probes the child's FK index with an array of the new keys (ClosureSql.ChildStepByKeys).
    /// Child steps into the same table along FKs no index covers would each scan that whole table: they become
    /// one statement that scans it once (ClosureSql.MergedChildStep).
    /// </summary>
    private List<Statement> Statements(List<Step> steps, IReadOnlyDictionary<PlannedTable, long> added)
    {
        static bool Unindexed(Step s) => s.Downward && !s.Source.All && !s.Target.Info.HasIndexOn(s.Fk.Columns);
        var merged = steps.Where(Unindexed).GroupBy(s => s.Target).Where(g => g.Count() > 1).ToDictionary(g => g.Key, g => g.ToList());
        var statements = new List<Statement>();
        foreach (var step in steps)
        {
            if (step.ByKeysSql is { } byKeys && added.GetValueOrDefault(step.Source) * ClosureSql.ChildRowsPerKeyForArrayProbe <= step.Target.Info.EstimatedRows)
            {
                if (_loggedByKeys.Add(step)) log.Sql(byKeys.Replace("@r", "<previous round>"));
                statements.Add(new Statement(byKeys, step.Parameters, [step]));
            }
            else if (!Unindexed(step) || !merged.TryGetValue(step.Target, out var group)) statements.Add(new Statement(step.Sql, step.Parameters, [step]));
            else if (group[0] == step)
                statements.Add(new Statement(ClosureSql.MergedChildStep(group.Select(s => (s.Fk, s.Source)).ToList(), step.Target, "@r"), step.Parameters, group));
        }
        return statements;
    }

    /// <summary>
    /// A parent step along an FK is redundant when every row its source gained last round came down that same
    /// FK: each such row's parent is the row that brought it in. (On a large subset this skips the most
    /// expensive steps, e.g. order lines looking up orders they were just found from.)
    /// </summary>
    private static bool Redundant(Step step, IReadOnlyDictionary<PlannedTable, HashSet<Step?>> addedBy) =>
        !step.Downward && !step.Source.All && addedBy.TryGetValue(step.Source, out var by) && by.Count > 0 &&
        by.All(s => s is not null && s.Downward && s.Fk == step.Fk);

    private List<Step> BuildSteps()
    {
        var steps = new List<Step>();
        // Child steps first: a row found as a descendant in the same round as it is referenced is then inserted
        // once, as a descendant, instead of being added as a parent and promoted (a conflict) right after.
        foreach (var fk in plan.ChildEdges)
        {
            var parent = plan[fk.Parent];
            var child = plan[fk.Child];
            if (child.All || child.Derived) continue;
            steps.Add(new Step(ClosureSql.ChildStep(fk, parent, child, "@r"), parent, child, child.WhereParameters, fk, Downward: true)
                { ByKeysSql = ClosureSql.ChildStepByKeys(fk, parent, child, "@r") });
        }
        foreach (var parent in plan.Tables.Where(t => t.FromCompleteTablesOnly))
        {
            // Runs once, in the first round (complete tables count as changed then).
            var fks = plan.ParentEdges.Where(f => f.Parent == parent.Name).ToList();
            steps.Add(new Step(ClosureSql.ParentOfCompleteTablesStep(parent, fks, "@r"), plan[fks[0].Child], parent,
                new Dictionary<string, object?>(), fks[0], Downward: false));
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
            steps.Add(new Step(ClosureSql.ParentStep(fk, child, parent, "@r"), source, parent, new Dictionary<string, object?>(), fk, Downward: false));
        }
        return steps;
    }
}
