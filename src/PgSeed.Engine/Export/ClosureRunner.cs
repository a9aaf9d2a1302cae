using System.Diagnostics;
using Npgsql;
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
    private sealed record Step(string Sql, PlannedTable Source, PlannedTable Target, IReadOnlyDictionary<string, object?> Parameters);

    public int Rounds { get; private set; }

    /// <summary>The statements, for dry runs and logs.</summary>
    public IEnumerable<string> DescribeSteps() => BuildSteps().Select(s => s.Sql);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var changed = new HashSet<PlannedTable>(plan.Tables.Where(t => t.All));
        foreach (var root in plan.Roots)
        {
            if (root.Table.All) continue;
            var sql = ClosureSql.SeedRoot(root);
            log.Sql(sql);
            await using var cmd = new NpgsqlCommand(sql, connection);
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
            if (rows > 0) changed.Add(root.Table);
        }

        var steps = BuildSteps();
        foreach (var s in steps) log.Sql(s.Sql.Replace("@r", "<previous round>"));
        var round = 0;
        var watch = Stopwatch.StartNew();
        while (changed.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var active = steps.Where(s => changed.Contains(s.Source)).ToList();
            if (active.Count == 0) break;
            await using var batch = new NpgsqlBatch(connection);
            foreach (var step in active)
            {
                var command = new NpgsqlBatchCommand(step.Sql);
                command.Parameters.AddWithValue("r", round);
                foreach (var (name, value) in step.Parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
                batch.BatchCommands.Add(command);
            }
            try
            {
                await batch.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException e) when (e.BatchCommand is not null)
            {
                var step = active[batch.BatchCommands.IndexOf(e.BatchCommand)];
                throw new PgSeedException(ErrorCode.BadFilter,
                    $"Following {step.Source.Name.Display} -> {step.Target.Name.Display} failed: {e.MessageText}" +
                    (step.Parameters.Count > 0 || step.Target.Where is not null ? " (check the where rule of " + step.Target.Name.Display + ")" : ""), e)
                    { Table = step.Target.Name.Display };
            }
            changed.Clear();
            for (var i = 0; i < active.Count; i++)
                if (batch.BatchCommands[i].RecordsAffected > 0) changed.Add(active[i].Target);
            round++;
        }
        Rounds = round;
        log.Detail($"closure: {round} rounds in {SummaryTree.Time(watch.Elapsed)}");
    }

    private List<Step> BuildSteps()
    {
        var steps = new List<Step>();
        foreach (var fk in plan.ParentEdges)
        {
            var child = plan[fk.Child];
            var parent = plan[fk.Parent];
            if (parent.All) continue; // every row is already in
            steps.Add(new Step(ClosureSql.ParentStep(fk, child, parent, "@r"), child, parent, new Dictionary<string, object?>()));
        }
        foreach (var fk in plan.ChildEdges)
        {
            var parent = plan[fk.Parent];
            var child = plan[fk.Child];
            if (child.All) continue;
            steps.Add(new Step(ClosureSql.ChildStep(fk, parent, child, "@r"), parent, child, child.WhereParameters));
        }
        return steps;
    }
}
