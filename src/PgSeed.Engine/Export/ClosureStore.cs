using PgSeed.Engine.Catalog;

namespace PgSeed.Engine.Export;

/// <summary>
/// Where the closure's row sets live while an export runs, and how later statements name them: temporary tables on
/// the server (<see cref="ServerClosureStore"/>, the default), or key sets in this process (<see cref="ClientClosureStore"/>,
/// which writes nothing on the server: for standbys and roles without TEMP). <see cref="ClosureRunner"/> drives the
/// rounds the same way over both, so the same rows are found in the same rounds and the seed is byte-identical.
/// </summary>
internal abstract class ClosureStore
{
    public abstract ClosureMode Mode { get; }

    /// <summary>Before the closure: the server store creates its key tables; then the transaction becomes READ ONLY.</summary>
    public abstract Task SetUpAsync(CancellationToken cancellationToken);

    /// <summary>The statements <see cref="SetUpAsync"/> runs, for dry runs.</summary>
    public abstract IEnumerable<string> DescribeSetUp();

    /// <summary>What a dry run shows for seeding a root and for a step (the round number as <c>@r</c>).</summary>
    public abstract string DescribeRoot(PlannedRoot root);
    public abstract string DescribeStep(ClosureStep step);

    /// <summary>Selects a root's rows; returns how many rows were new (the root's own rows, not those of an earlier root).</summary>
    public abstract Task<long> SeedRootAsync(PlannedRoot root, CancellationToken cancellationToken);

    /// <summary>
    /// Runs one round's statements in order (each sees what the previous ones added) and returns the rows each one
    /// added or promoted to a descendant. <paramref name="added"/>: rows each table gained in the previous round.
    /// <paramref name="failing"/> is told which statement is running when one fails.
    /// </summary>
    public abstract Task<long[]> RunRoundAsync(IReadOnlyList<ClosureStatement> statements, int round, IReadOnlyDictionary<PlannedTable, long> added,
        Action<int> failing, CancellationToken cancellationToken);

    /// <summary>After the closure: the size of each table's row set (exact for key sets, estimated otherwise), to order the copies.</summary>
    public abstract Task<Dictionary<TableName, long>> MeasureAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The exported rows of <paramref name="t"/> as the text after FROM (alias <paramref name="alias"/>, maybe ending in a
    /// WHERE clause), for a statement on the export's main connection. <paramref name="sampleKeys"/>: a few rows are enough.
    /// </summary>
    public abstract string ExportedRows(PlannedTable t, string alias, int? sampleKeys = null);

    /// <summary>Whether a table's COPY must run on the main connection (its row set is in the main session's temporary tables).</summary>
    public abstract bool StaysOnMain(PlannedTable t);

    /// <summary>Hands a parallel worker what it needs to copy <paramref name="tables"/> (the server store: their keys).</summary>
    public abstract Task PrepareWorkerAsync(Npgsql.NpgsqlConnection worker, IReadOnlyList<PlannedTable> tables, CancellationToken cancellationToken);

    /// <summary>The COPY of <paramref name="t"/>'s exported rows, on the main connection or a prepared worker.</summary>
    public abstract string CopyOut(PlannedTable t, bool onWorker, IReadOnlyDictionary<TableName, long> sizes, bool ordered = true);
}
