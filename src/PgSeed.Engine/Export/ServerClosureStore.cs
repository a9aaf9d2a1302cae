using System.Diagnostics;
using Npgsql;
using PgSeed.Engine.Catalog;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Export;

/// <summary>
/// The closure in the database (the default): each table's row set in a temporary table (<see cref="ClosureSql"/>),
/// each round one batch of <c>INSERT ... SELECT</c> statements with an <c>ANALYZE</c> of the tables the previous
/// round changed. No row data leaves the server. Needs TEMPORARY on the database, so not on a standby. With
/// <c>profile</c>, statements run one at a time, each logged with its rows and time (<see cref="ExportRequest.Profile"/>).
/// </summary>
internal sealed class ServerClosureStore(NpgsqlConnection connection, SubsetPlan plan, ISeedLog log, bool profile = false) : ClosureStore
{
    /// <summary>Key tables changed since they were last analysed: analysed in the next round's batch, or before copying.</summary>
    private readonly HashSet<PlannedTable> _stale = new();
    private readonly HashSet<ClosureStep> _loggedByKeys = new();

    public override ClosureMode Mode => ClosureMode.Server;

    public override IEnumerable<string> DescribeSetUp() =>
        plan.Tables.Where(t => t.HasKeyTable).Select(ClosureSql.CreateKeyTable).Append("SET TRANSACTION READ ONLY");

    // One round trip: the key tables, then nothing but them can be written, whatever a filter tries.
    public override Task SetUpAsync(CancellationToken cancellationToken) =>
        Sessions.ExecuteAsync(connection, string.Join(";\n", DescribeSetUp()), cancellationToken);

    public override string DescribeRoot(PlannedRoot root) => ClosureSql.SeedRoot(root);

    public override string DescribeStep(ClosureStep step) => step.Sql;

    public override async Task<long> SeedRootAsync(PlannedRoot root, CancellationToken cancellationToken)
    {
        var sql = ClosureSql.SeedRoot(root);
        log.Sql(sql);
        var cmd = new NpgsqlCommand(sql, connection);
        await using var cmdScope = cmd.ConfigureAwait(false);
        if (root.Table.Where is not null)
            foreach (var (name, value) in root.Table.WhereParameters) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        try
        {
            var rows = await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (rows > 0) _stale.Add(root.Table);
            return rows;
        }
        catch (PostgresException e)
        {
            throw UserSqlErrors.Translate(e, root, ClosureSql.UserSqlOffset(root));
        }
    }

    /// <summary>A statement of a round's batch; a step reads the previous round's number as @r, an ANALYZE does not.</summary>
    private sealed record Command(string Sql, IReadOnlyDictionary<string, object?> Parameters, string Label, bool UsesRound = true);
    private static readonly IReadOnlyDictionary<string, object?> NoParameters = new Dictionary<string, object?>();

    public override async Task<long[]> RunRoundAsync(IReadOnlyList<ClosureStatement> statements, int round, IReadOnlyDictionary<PlannedTable, long> added,
        Action<int> failing, CancellationToken cancellationToken)
    {
        // One round trip: ANALYZE of the key tables that grew (so each step is planned for the real sizes: hash join
        // or index probes), then the round's statements.
        var commands = _stale.OrderBy(t => t.Index)
            .Select(t => new Command(ClosureSql.Analyze(t), NoParameters, $"ANALYZE {t.Name.Display}", UsesRound: false))
            .Concat(statements.Select(s => new Command(ChooseSql(s, added), s.Parameters,
                $"{string.Join(" + ", s.Steps.Select(x => x.Source.Name.Display))} -> {s.Target.Name.Display}")))
            .ToList();
        var analyzed = _stale.Count;
        _stale.Clear();
        var counts = profile
            ? await OneByOneAsync(commands, round, i => failing(i - analyzed), cancellationToken).ConfigureAwait(false)
            : await BatchAsync(commands, round, i => failing(i < analyzed ? -1 : i - analyzed), cancellationToken).ConfigureAwait(false);
        var result = counts.Skip(analyzed).ToArray();
        for (var i = 0; i < statements.Count; i++)
            if (result[i] > 0 && statements[i].Target.HasKeyTable) _stale.Add(statements[i].Target);
        return result;
    }

    /// <summary>
    /// A child step whose parent table gained few rows last round (next to the child table's size) probes the child's
    /// FK index with an array of the new keys (ClosureSql.ChildStepByKeys).
    /// </summary>
    private string ChooseSql(ClosureStatement statement, IReadOnlyDictionary<PlannedTable, long> added)
    {
        if (statement.Steps is not [{ ByKeysSql: { } byKeys } step] ||
            added.GetValueOrDefault(step.Source) * ClosureSql.ChildRowsPerKeyForArrayProbe > step.Target.Info.EstimatedRows)
            return statement.Sql;
        if (_loggedByKeys.Add(step)) log.Sql(byKeys.Replace("@r", "<previous round>"));
        return byKeys;
    }

    /// <summary>A round's commands in one batch; returns the rows each affected.</summary>
    private async Task<long[]> BatchAsync(IReadOnlyList<Command> commands, int round, Action<int> failing, CancellationToken cancellationToken)
    {
        var batch = new NpgsqlBatch(connection);
        await using var batchScope = batch.ConfigureAwait(false);
        foreach (var c in commands)
        {
            var command = new NpgsqlBatchCommand(c.Sql);
            if (c.UsesRound) command.Parameters.AddWithValue("r", round);
            foreach (var (name, value) in c.Parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            batch.BatchCommands.Add(command);
        }
        try
        {
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e)
        {
            if (e.BatchCommand is not null) failing(batch.BatchCommands.IndexOf(e.BatchCommand));
            throw;
        }
        return batch.BatchCommands.Cast<NpgsqlBatchCommand>().Select(c => (long)c.RecordsAffected).ToArray();
    }

    /// <summary>Diagnostics (<see cref="ExportRequest.Profile"/>): one command at a time, each logged with its rows and time.</summary>
    private async Task<long[]> OneByOneAsync(IReadOnlyList<Command> commands, int round, Action<int> failing, CancellationToken cancellationToken)
    {
        var counts = new long[commands.Count];
        for (var i = 0; i < commands.Count; i++)
        {
            failing(i);
            var clock = Stopwatch.StartNew();
            var single = new NpgsqlCommand(commands[i].Sql, connection);
            await using var singleScope = single.ConfigureAwait(false);
            if (commands[i].UsesRound) single.Parameters.AddWithValue("r", round);
            foreach (var (name, value) in commands[i].Parameters) single.Parameters.AddWithValue(name, value ?? DBNull.Value);
            counts[i] = await single.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            log.Detail($"round {round + 1}: {commands[i].Label}{(commands[i].UsesRound ? $": {counts[i]} rows" : "")} in {SummaryTree.Time(clock.Elapsed)}");
        }
        return counts;
    }

    /// <summary>
    /// Row counts of the key tables, estimates for complete and derived tables (they only order the copies), after
    /// analysing the key tables the closure changed last, so the COPY joins plan well. Two round trips at most.
    /// </summary>
    public override async Task<Dictionary<TableName, long>> MeasureAsync(CancellationToken cancellationToken)
    {
        if (_stale.Count > 0)
            await Sessions.ExecuteAsync(connection, string.Join("; ", _stale.OrderBy(t => t.Index).Select(ClosureSql.Analyze)), cancellationToken).ConfigureAwait(false);
        _stale.Clear();
        static string Reltuples(TableInfo t) => $"(SELECT GREATEST(reltuples, 0) FROM pg_catalog.pg_class WHERE oid = {t.Oid})";
        var sql = string.Join("\nUNION ALL ", plan.Tables.Select(t =>
            t.All ? $"SELECT {t.Index}, {Reltuples(t.Info)}::bigint"
            : t.Derived ? $"SELECT {t.Index}, ((SELECT count(*) FROM ({ClosureSql.DerivedKeys(t)}) s) * {Reltuples(t.Info)} / GREATEST({Reltuples(t.DerivedParent!.Info)}, 1))::bigint"
            : $"SELECT {t.Index}, count(*) FROM {t.KeyTable}"));
        var sizes = plan.Tables.ToDictionary(t => t.Name, _ => 0L);
        var cmd = new NpgsqlCommand(sql, connection);
        await using var cmdScope = cmd.ConfigureAwait(false);
        var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            sizes[plan.Tables[reader.GetInt32(0)].Name] = reader.GetInt64(1);
        return sizes;
    }

    public override string ExportedRows(PlannedTable t, string alias, int? sampleKeys = null) => ClosureSql.ExportedRows(t, alias);

    // A wide key table holds whole rows: it stays on the main connection rather than being sent to a worker.
    public override bool StaysOnMain(PlannedTable t) => t.Wide;

    private static string WorkerKeyTable(PlannedTable t) => $"pg_temp.pgseed_w{t.Index}";

    public override string CopyOut(PlannedTable t, bool onWorker, IReadOnlyDictionary<TableName, long> sizes, bool ordered = true)
    {
        var byKeys = t.DerivedFrom is { } entry && ClosureSql.CanProbeByKeys(entry, t.DerivedParent!, t) &&
                     sizes[t.DerivedParent!.Name] * ClosureSql.ChildRowsPerKeyForArrayProbe <= t.Info.EstimatedRows;
        return ClosureSql.CopyOut(t, ClosureSql.ExportedRows(t, "t", onWorker && !t.All ? WorkerKeyTable(t) : null, byKeys), ordered);
    }

    /// <summary>
    /// Key tables are temporary and visible to the main session only, so a worker receives the keys of its tables by
    /// a binary COPY streamed from the main connection into its own temporary table; then it may write nothing else.
    /// </summary>
    public override async Task PrepareWorkerAsync(NpgsqlConnection worker, IReadOnlyList<PlannedTable> tables, CancellationToken cancellationToken)
    {
        foreach (var t in tables.Where(t => !t.All))
            await TransferKeysAsync(worker, t, cancellationToken).ConfigureAwait(false);
        await Sessions.ExecuteAsync(worker, "SET TRANSACTION READ ONLY", cancellationToken).ConfigureAwait(false);
    }

    private async Task TransferKeysAsync(NpgsqlConnection worker, PlannedTable t, CancellationToken cancellationToken)
    {
        // Workers get derived tables (their copy holds the values the entry FK references, see ClosureSql.ExportedRows)
        // and tables keyed by (tableoid, ctid); whole-row tables stay on the main connection.
        var types = t.DerivedFrom is { } entry ? entry.ParentColumns.Select(c => t.DerivedParent!.Info.Column(c)!.Type).ToArray() : ["oid", "tid"];
        var columns = Enumerable.Range(0, types.Length).Select(i => $"pgseed_k{i}").ToList();
        await Sessions.ExecuteAsync(worker,
            $"CREATE TEMP TABLE {WorkerKeyTable(t)} ({string.Join(", ", columns.Zip(types, (c, ty) => $"{c} {ty}"))}) ON COMMIT DROP", cancellationToken).ConfigureAwait(false);
        var list = string.Join(", ", columns);
        var keys = t.Derived ? ClosureSql.DerivedKeys(t) : $"SELECT {list} FROM {t.KeyTable}";
        var source = await connection.BeginRawBinaryCopyAsync($"COPY ({keys}) TO STDOUT (FORMAT binary)", cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            var target = await worker.BeginRawBinaryCopyAsync($"COPY {WorkerKeyTable(t)} ({list}) FROM STDIN (FORMAT binary)", cancellationToken).ConfigureAwait(false);
            await using var targetScope = target.ConfigureAwait(false);
            await source.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
        }
        await Sessions.ExecuteAsync(worker, $"ANALYZE {WorkerKeyTable(t)}", cancellationToken).ConfigureAwait(false);
    }
}
