using System.Globalization;
using Npgsql;
using PgSeed.Engine.Catalog;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Export;

/// <summary>
/// The closure with its row sets in this process: it writes nothing on the server, so it runs on a hot standby and as a
/// role without TEMPORARY. Each table's row set is a <see cref="ClientKeySet"/>; a step is a SELECT returning the key
/// and payload (the columns later steps read) of the rows it finds, given the values it starts from as array
/// parameters. The rows a round starts from are those the previous one added (with their payload); older rows keep
/// only their key. A round's statements run one after another and each sees what the previous ones found, exactly as
/// the server closure's batch does, so both find the same rows in the same rounds. Memory grows with the number of
/// keys, not rows or row width; <see cref="ExportRequest.ClosureKeyLimit"/> caps it (PGSEED027).
/// </summary>
internal sealed class ClientClosureStore(NpgsqlConnection connection, SubsetPlan plan, ISeedLog log, long keyLimit) : ClosureStore
{
    /// <summary>A row found in the current or previous round: key and payload as text, and whether it is a descendant.</summary>
    private sealed class FoundRow(string?[] values, bool descendant)
    {
        public string?[] Values { get; } = values;
        public bool Descendant { get; set; } = descendant;
    }

    private enum Found { AsRoot, AsParent, AsChild }

    private readonly Dictionary<PlannedTable, ClientKeySet> _keys = plan.Tables.Where(t => t.HasKeyTable).ToDictionary(t => t, ClientKeySet.For);

    /// <summary>Rows whose round is the current one (what this round's steps start from), and those of the next round.</summary>
    private Dictionary<PlannedTable, Dictionary<string, FoundRow>> _current = new(), _next = new();

    /// <summary>
    /// For a derived table whose entry FK references other columns than its parent's key: the referenced values of the
    /// parent's descendant rows (what its COPY selects by). Otherwise the parent's descendant keys serve.
    /// </summary>
    private readonly Dictionary<PlannedTable, HashSet<string>> _derivedValues = plan.Tables
        .Where(t => t.Derived && !EntryIsKey(t)).ToDictionary(t => t, _ => new HashSet<string>(StringComparer.Ordinal));

    private long _total;

    public override ClosureMode Mode => ClosureMode.Client;

    public override IEnumerable<string> DescribeSetUp() => ["SET TRANSACTION READ ONLY"];

    public override Task SetUpAsync(CancellationToken cancellationToken) => Sessions.ExecuteAsync(connection, "SET TRANSACTION READ ONLY", cancellationToken);

    public override string DescribeRoot(PlannedRoot root) => ClientClosureSql.Root(root);

    public override string DescribeStep(ClosureStep step) => step.Downward ? ClientClosureSql.ChildStep([step]) : ClientClosureSql.ParentStep(step);

    private static bool EntryIsKey(PlannedTable derived)
    {
        var parent = derived.DerivedParent!;
        return !parent.UsesCtid && derived.DerivedFrom!.ParentColumns.Count == parent.KeyColumns!.Count &&
               derived.DerivedFrom.ParentColumns.All(parent.KeyColumns.Contains);
    }

    public override async Task<long> SeedRootAsync(PlannedRoot root, CancellationToken cancellationToken)
    {
        var sql = ClientClosureSql.Root(root);
        log.Sql(sql);
        var cmd = new NpgsqlCommand(sql, connection);
        await using var cmdScope = cmd.ConfigureAwait(false);
        if (root.Table.Where is not null)
            foreach (var (name, value) in root.Table.WhereParameters) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        try
        {
            return await AbsorbAsync(cmd, root.Table, Found.AsRoot, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e)
        {
            var user = root.Selection.Raw ?? root.Selection.Filter;
            throw UserSqlErrors.Translate(e, root, user is null ? 0 : sql.IndexOf(user, StringComparison.Ordinal));
        }
    }

    public override async Task<long[]> RunRoundAsync(IReadOnlyList<ClosureStatement> statements, int round, IReadOnlyDictionary<PlannedTable, long> added,
        Action<int> failing, CancellationToken cancellationToken)
    {
        var counts = new long[statements.Count];
        for (var i = 0; i < statements.Count; i++)
        {
            failing(i);
            counts[i] = await RunAsync(statements[i], cancellationToken).ConfigureAwait(false);
        }
        // Rows added or promoted this round are what the next one starts from (the server closure's round column).
        _current = _next;
        _next = new();
        return counts;
    }

    private async Task<long> RunAsync(ClosureStatement statement, CancellationToken cancellationToken)
    {
        var steps = statement.Steps;
        var cmd = new NpgsqlCommand(steps[0].Downward ? ClientClosureSql.ChildStep(steps) : ClientClosureSql.ParentStep(steps[0]), connection);
        await using var cmdScope = cmd.ConfigureAwait(false);
        var any = false;
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            if (step.Source.All) { any = true; continue; }
            if (step.Source.Derived) throw new InvalidOperationException($"a step from derived table {step.Source.Name.Display}");
            // A child step starts from the source's new descendants and sends the values its FK references; a parent step
            // from all its new rows and sends their FK values (less those whose parent row is known already).
            var columns = step.Downward ? step.Fk.ParentColumns : step.Fk.Columns;
            var tuples = Tuples(step.Source, columns, descendantsOnly: step.Downward);
            if (!step.Downward && KnownParentKey(step) is { } known) tuples = tuples.Where(v => !known(v)).ToList();
            any |= tuples.Count > 0;
            // Every parameter a merged statement names is sent, empty or not.
            for (var c = 0; c < columns.Count; c++)
                cmd.Parameters.Add(new NpgsqlParameter(ClientClosureSql.Parameter(i, c), NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text)
                    { Value = tuples.Select(v => v[c]).ToArray() });
        }
        if (!any) return 0; // nothing to start from: the server's statement would find nothing either
        if (steps[0].Downward)
            foreach (var (name, value) in steps[0].Target.WhereParameters) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return await AbsorbAsync(cmd, statement.Target, steps[0].Downward ? Found.AsChild : Found.AsParent, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Distinct non-null value tuples of <paramref name="columns"/> over the source's rows of the current round.</summary>
    private List<string[]> Tuples(PlannedTable source, IReadOnlyList<string> columns, bool descendantsOnly)
    {
        var result = new List<string[]>();
        if (!_current.TryGetValue(source, out var rows)) return result;
        var index = columns.Select(c => ClientClosureSql.StoredIndex(source, c)).ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows.Values)
        {
            if (descendantsOnly && !row.Descendant) continue;
            var tuple = new string[index.Length];
            var complete = true;
            for (var i = 0; i < index.Length && complete; i++)
                complete = (tuple[i] = row.Values[index[i]]!) is not null;
            if (complete && seen.Add(string.Join(ClientKeySet.Separator, tuple))) result.Add(tuple);
        }
        return result;
    }

    /// <summary>When the FK references the parent's key: a test for FK values whose parent row is in the set already.</summary>
    private Func<string[], bool>? KnownParentKey(ClosureStep step)
    {
        var parent = step.Target;
        if (parent.UsesCtid || step.Fk.ParentColumns.Count != parent.KeyColumns!.Count || !step.Fk.ParentColumns.All(parent.KeyColumns.Contains)) return null;
        var order = parent.KeyColumns.Select(k => step.Fk.ParentColumns.ToList().IndexOf(k)).ToArray();
        var keys = _keys[parent];
        return v => keys.State(string.Join(ClientKeySet.Separator, order.Select(i => v[i]))) != KeyState.Absent;
    }

    /// <summary>
    /// Adds the rows a statement returns to the target's set, as the server closure's insert would: a root or parent row
    /// only when new, a child row when new or not yet a descendant (promoted). Returns how many rows that changed.
    /// </summary>
    private async Task<long> AbsorbAsync(NpgsqlCommand cmd, PlannedTable target, Found how, CancellationToken cancellationToken)
    {
        var keys = _keys[target];
        var keyCount = ClientClosureSql.KeyCount(target);
        var width = keyCount + target.Payload.Count;
        var current = Rows(_current, target);
        var next = Rows(_next, target);
        long count = 0;
        var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var values = new string?[width];
            for (var i = 0; i < width; i++) values[i] = reader.IsDBNull(i) ? null : reader.GetString(i);
            var key = keyCount == 1 ? values[0]! : string.Join(ClientKeySet.Separator, values.Take(keyCount));
            var state = keys.State(key);
            if (state == KeyState.Descendant || (state == KeyState.Member && how != Found.AsChild)) continue;
            if (state == KeyState.Absent && ++_total > keyLimit) throw TooManyKeys(target);
            var descendant = how != Found.AsParent;
            keys.Add(key, descendant);
            var row = new FoundRow(values, descendant);
            if (how == Found.AsRoot) current[key] = row;
            else
            {
                // A row found (or promoted) in round n starts steps in round n + 1; a promoted row of this round's own
                // sources moves there, as the server closure's ON CONFLICT ... SET round does.
                current.Remove(key);
                next[key] = row;
            }
            if (descendant) Descend(target, values);
            count++;
        }
        return count;
    }

    private static Dictionary<string, FoundRow> Rows(Dictionary<PlannedTable, Dictionary<string, FoundRow>> rounds, PlannedTable t) =>
        rounds.TryGetValue(t, out var rows) ? rows : rounds[t] = new Dictionary<string, FoundRow>(StringComparer.Ordinal);

    /// <summary>A row of <paramref name="parent"/> became a descendant: its derived tables' COPY selects the rows referencing it.</summary>
    private void Descend(PlannedTable parent, string?[] values)
    {
        foreach (var (derived, set) in _derivedValues)
        {
            if (derived.DerivedParent != parent) continue;
            var tuple = derived.DerivedFrom!.ParentColumns.Select(c => values[ClientClosureSql.StoredIndex(parent, c)]).ToList();
            if (tuple.All(v => v is not null) && set.Add(string.Join(ClientKeySet.Separator, tuple)) && ++_total > keyLimit) throw TooManyKeys(derived);
        }
    }

    private PgSeedException TooManyKeys(PlannedTable table)
    {
        var bytes = _keys.Values.Sum(k => k.EstimatedBytes) + _derivedValues.Values.Sum(s => s.Sum(v => 40L + 2L * v.Length));
        return new PgSeedException(ErrorCode.ClosureKeyLimit,
            $"The client-side closure would hold more than {keyLimit.ToString("N0", CultureInfo.InvariantCulture)} row keys in memory " +
            $"({table.Name.Display} alone has {(_keys.TryGetValue(table, out var k) ? k.Count : _derivedValues[table].Count).ToString("N0", CultureInfo.InvariantCulture)}; " +
            $"about {bytes / (1024 * 1024)} MB so far). Raise the limit ({OptionNames.ExportClosureKeyLimit}), export a smaller subset " +
            $"(a narrower filter, {OptionNames.ExportChildrenNone}, {OptionNames.ExportExcludedEdges}), or compute it on the server ({OptionNames.ExportClosureServer}: a primary, as a role with TEMPORARY).")
            { Table = table.Name.Display };
    }

    public override async Task<Dictionary<TableName, long>> MeasureAsync(CancellationToken cancellationToken)
    {
        _current.Clear();
        _next.Clear();
        var estimates = new Dictionary<uint, double>();
        {
            var cmd = new NpgsqlCommand("SELECT oid, GREATEST(reltuples, 0)::float8 FROM pg_catalog.pg_class WHERE oid = ANY (@oids)", connection);
            await using var cmdScope = cmd.ConfigureAwait(false);
            cmd.Parameters.Add(new NpgsqlParameter("oids", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Oid) { Value = plan.Tables.Select(t => t.Info.Oid).ToArray() });
            var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) estimates[reader.GetFieldValue<uint>(0)] = reader.GetDouble(1);
        }
        double Estimate(PlannedTable t) => estimates.GetValueOrDefault(t.Info.Oid);
        return plan.Tables.ToDictionary(t => t.Name, t =>
            t.All ? (long)Estimate(t)
            : t.Derived ? (long)(DerivedValueCount(t) * Estimate(t) / Math.Max(Estimate(t.DerivedParent!), 1))
            : _keys[t].Count);
    }

    private long DerivedValueCount(PlannedTable t) => _derivedValues.TryGetValue(t, out var set) ? set.Count : _keys[t.DerivedParent!].Descendants;

    public override string ExportedRows(PlannedTable t, string alias, int? sampleKeys = null)
    {
        if (t.All) return $"{t.Name.Sql} {alias}";
        IEnumerable<string> Limit(IEnumerable<string> keys) => sampleKeys is { } n ? keys.Take(n) : keys;
        if (t.DerivedFrom is { } entry)
        {
            var parent = t.DerivedParent!;
            var columns = entry.Columns.Select(c => $"{alias}.{Identifier.Quote(c)}").ToList();
            var types = entry.ParentColumns.Select(c => parent.Info.Column(c)!.Type).ToList();
            // The referenced values, in the entry FK's column order (from the parent's keys, or collected on the way).
            var tuples = _derivedValues.TryGetValue(t, out var set)
                ? Limit(set).Select(v => v.Split(ClientKeySet.Separator))
                : Limit(_keys[parent].Keys(descendantsOnly: true)).Select(k =>
                {
                    var parts = k.Split(ClientKeySet.Separator);
                    return entry.ParentColumns.Select(c => parts[parent.KeyColumns!.ToList().IndexOf(c)]).ToArray();
                });
            return ClientClosureSql.RowsMatching(t, alias, columns, Literals(tuples, types), indexed: false);
        }
        var keyColumns = t.KeyExpressions(alias);
        var keys = Limit(_keys[t].Keys(descendantsOnly: false)).Select(k => k.Split(ClientKeySet.Separator));
        return ClientClosureSql.RowsMatching(t, alias, keyColumns, Literals(keys, ClientClosureSql.KeyTypes(t)), indexed: true);
    }

    /// <summary>One array literal per column of the tuples.</summary>
    private static List<string> Literals(IEnumerable<string[]> tuples, IReadOnlyList<string> types)
    {
        if (types.Count == 1) return [SqlArrays.Literal(tuples.Select(t => t[0]), types[0])];
        var all = tuples.ToList();
        return types.Select((ty, i) => SqlArrays.Literal(all.Select(t => t[i]), ty)).ToList();
    }

    // Every statement names its rows by value: any connection on the snapshot can copy any table.
    public override bool StaysOnMain(PlannedTable t) => false;

    public override Task PrepareWorkerAsync(NpgsqlConnection worker, IReadOnlyList<PlannedTable> tables, CancellationToken cancellationToken) =>
        Sessions.ExecuteAsync(worker, "SET TRANSACTION READ ONLY", cancellationToken);

    public override string CopyOut(PlannedTable t, bool onWorker, IReadOnlyDictionary<TableName, long> sizes, bool ordered = true) =>
        ClosureSql.CopyOut(t, ExportedRows(t, "t"), ordered);

    /// <summary>A dry run's COPY: the keys are a placeholder.</summary>
    public static string DescribeCopy(PlannedTable t) =>
        ClosureSql.CopyOut(t, t.All ? $"{t.Name.Sql} t" : $"{t.Name.Sql} t WHERE <its keys>");
}
