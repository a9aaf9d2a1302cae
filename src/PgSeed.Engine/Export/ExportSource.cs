using System.Diagnostics;
using System.Globalization;
using Npgsql;
using PgSeed.Engine.Catalog;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Export;

/// <summary>
/// The reading side of an export, shared by <see cref="SeedExporter"/> (into a seed folder) and
/// <see cref="Copy.DatabaseCopier"/> (into another database): one connection in a REPEATABLE READ transaction — the
/// snapshot everything is read from — the catalog, the plan, where the closure runs and the closure itself, then each
/// table's COPY statement. Where the CSV goes is the caller's business.
/// </summary>
internal sealed class ExportSource : IAsyncDisposable
{
    private readonly ServerCancellation _cancelOnServer;

    private ExportSource(NpgsqlConnection main, ServerCancellation cancelOnServer)
    {
        Main = main;
        _cancelOnServer = cancelOnServer;
    }

    public NpgsqlConnection Main { get; }
    public DatabaseCatalog Catalog { get; private set; } = null!;
    public SubsetPlan Plan { get; private set; } = null!;
    public ClosureMode Mode { get; private set; }
    public string ModeReason { get; private set; } = "";
    public ClosureStore Store { get; private set; } = null!;

    /// <summary>The latest EF Core migration the source database records, if it has a history table.</summary>
    public string? EfMigration { get; private set; }

    /// <summary>The closure that ran (explains a root's extra rows in the picture); null before <see cref="ComputeAsync"/>.</summary>
    public ClosureRunner? Closure { get; private set; }

    /// <summary>Each table's row count or estimate, after <see cref="ComputeAsync"/> (orders the copies).</summary>
    public IReadOnlyDictionary<TableName, long> Sizes { get; private set; } = new Dictionary<TableName, long>();

    /// <summary>
    /// Connects, opens the snapshot, reads the catalog, plans, chooses where the closure runs and checks the role's
    /// privileges for it: everything that can refuse the request before a row is read.
    /// </summary>
    public static async Task<ExportSource> OpenAsync(ExportRequest request, ISeedLog log, Stopwatch watch, CancellationToken cancellationToken)
    {
        var main = await request.SessionSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        var source = new ExportSource(main, ServerCancellation.Register(main, cancellationToken));
        try
        {
            await source.InitializeAsync(request, log, watch, cancellationToken).ConfigureAwait(false);
            return source;
        }
        catch
        {
            await source.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task InitializeAsync(ExportRequest request, ISeedLog log, Stopwatch watch, CancellationToken cancellationToken)
    {
        log.Detail($"exporting from {request.SessionSource.Description}");
        await Sessions.ExecuteAsync(Main, Sessions.ExportSettings, cancellationToken).ConfigureAwait(false);
        if (Shaping.MaskSql.SaltSettings(request.Rules.SelectMany(r => r.Masks.Values)) is { } salts) await Sessions.ExecuteAsync(Main, salts, cancellationToken).ConfigureAwait(false); // never logged
        // The snapshot starts with the catalog read: schema and rows come from the same moment.
        await Sessions.ExecuteAsync(Main, "BEGIN ISOLATION LEVEL REPEATABLE READ", cancellationToken).ConfigureAwait(false);
        Catalog = await CatalogReader.ReadAsync(Main, request.Schemas, cancellationToken).ConfigureAwait(false);
        EfMigration = await EfMigrationHistory.LatestAsync(Main, cancellationToken).ConfigureAwait(false);
        log.Detail($"catalog: {Catalog.Tables.Count()} tables, {Catalog.ForeignKeys.Count} foreign keys read in {SummaryTree.Time(watch.Elapsed)}");
        Plan = SubsetPlanner.Plan(Catalog, request, log);
        LogPlan(Plan, log);
        (Mode, ModeReason) = await ClosureModeChoice.ChooseAsync(Main, request.Closure, Plan, cancellationToken).ConfigureAwait(false);
        log.Detail($"closure: {Mode.ToString().ToLowerInvariant()} ({ModeReason})");
        await ExportPrivileges.CheckAsync(Main, Plan, Mode == ClosureMode.Server, cancellationToken).ConfigureAwait(false);
        Store = Mode == ClosureMode.Server
            ? new ServerClosureStore(Main, Plan, log, request.Profile)
            : new ClientClosureStore(Main, Plan, log, request.ClosureKeyLimit);
    }

    private static void LogPlan(SubsetPlan plan, ISeedLog log)
    {
        log.Detail($"plan: {plan.Tables.Count} tables, {plan.ParentEdges.Count} parent edges, {plan.ChildEdges.Count} child edges");
        foreach (var t in plan.ImportOrder)
            log.Detail($"  {t.Name.Display}: {t.Reason}{(t.All ? " (every row)" : "")}{(t.UsesCtid ? " (no key: rows identified by ctid)" : "")}");
    }

    /// <summary>A dry run: the filters are checked (nothing runs) and every statement logged; then the transaction ends.</summary>
    public async Task DescribeAsync(ISeedLog log, CancellationToken cancellationToken)
    {
        // The dry run creates nothing, so its whole transaction can be read-only: whatever a filter tries, it cannot write.
        await Sessions.ExecuteAsync(Main, "SET TRANSACTION READ ONLY", cancellationToken).ConfigureAwait(false);
        await FilterCheck.RunAsync(Main, Plan, cancellationToken).ConfigureAwait(false);
        foreach (var s in Store.DescribeSetUp()) log.Sql(s);
        foreach (var r in Plan.Roots.Where(r => !r.Table.All)) log.Sql(Store.DescribeRoot(r));
        foreach (var s in new ClosureRunner(Plan, Store, NullSeedLog.Instance).DescribeSteps())
            log.Sql(s.Replace("@r", "<previous round>"));
        foreach (var t in Plan.ImportOrder)
            log.Sql(Mode == ClosureMode.Server ? ClosureSql.CopyOut(t, ClosureSql.ExportedRows(t, "t")) : ClientClosureStore.DescribeCopy(t));
        await Sessions.ExecuteAsync(Main, "ROLLBACK", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The subset: the closure store set up (then nothing but its temporary tables can be written, whatever a filter
    /// tries), the filters checked, the closure run and measured, where rules and the personal-data lint checked.
    /// </summary>
    public async Task ComputeAsync(ExportRequest request, ISeedLog log, Stopwatch watch, CancellationToken cancellationToken)
    {
        await Store.SetUpAsync(cancellationToken).ConfigureAwait(false);
        await FilterCheck.RunAsync(Main, Plan, cancellationToken).ConfigureAwait(false);
        Closure = new ClosureRunner(Plan, Store, log);
        await Closure.RunAsync(cancellationToken).ConfigureAwait(false);
        Sizes = await Store.MeasureAsync(cancellationToken).ConfigureAwait(false);
        log.Detail($"closure done at {SummaryTree.Time(watch.Elapsed)}; copying {Plan.Tables.Count} tables");
        await CheckWhereRulesAsync(request.Strict, log, cancellationToken).ConfigureAwait(false);
        if (request.PiiLint)
            await PiiLint.RunAsync(Main, Catalog, Plan, request, log, cancellationToken, t => Store.ExportedRows(t, "t", PiiLint.SampleRows))
                .ConfigureAwait(false);
    }

    /// <summary>
    /// A where rule never drops a row another exported row references (the seed would not import). Count
    /// the rows kept for that reason: a warning, or an error with --strict.
    /// </summary>
    private async Task CheckWhereRulesAsync(bool strict, ISeedLog log, CancellationToken cancellationToken)
    {
        foreach (var t in Plan.Tables.Where(t => t.Where is not null && t.HasKeyTable))
        {
            // The rule names the table's columns plainly, so the table is the only one in scope outside the subquery
            // (a wide key table has the same column names).
            var keys = string.Join(", ", t.KeyExpressions(t.Name.Sql));
            var cmd = new NpgsqlCommand(
                $"SELECT count(*) FROM {t.Name.Sql} WHERE ({keys}) IN (SELECT {string.Join(", ", t.KeyExpressions("pgseed_k"))} FROM {Store.ExportedRows(t, "pgseed_k")}) " +
                $"AND NOT COALESCE(({t.Where}), false)", Main);
            await using var cmdScope = cmd.ConfigureAwait(false);
            foreach (var (name, value) in t.WhereParameters) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
            var kept = Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            if (kept == 0) continue;
            var message = $"{t.Name.Display}: the where rule could not drop {kept} rows because other exported rows reference them; they are kept so the seed imports.";
            if (strict) throw new PgSeedException(ErrorCode.RuleKeptParents, message + $" ({OptionNames.ExportStrict})") { Table = t.Name.Display };
            log.Warning(ErrorCode.RuleKeptParents, message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cancelOnServer.DisposeAsync().ConfigureAwait(false);
        await Main.DisposeAsync().ConfigureAwait(false);
    }
}
