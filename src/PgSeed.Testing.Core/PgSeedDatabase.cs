using Npgsql;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;
using PgSeed.Testing.Pool;
using PgSeed.Testing.Servers;
using PgSeed.Testing.Templates;

namespace PgSeed.Testing;

/// <summary>
/// A PostgreSQL database holding your schema and seed, for any test framework (xUnit users derive from
/// <c>PgSeedFixture</c> in the PgSeed.Testing package, which builds on this). Describe the database in
/// <see cref="Configure"/> (or pass the description to the constructor), <see cref="InitializeAsync"/> once, then
/// per test either take a lease (<see cref="LeaseAsync"/>, the default mode: each test gets a database of its own
/// from a pool of template clones, so tests may run in parallel) or, with <see cref="PgSeedOptions.SingleDatabase"/>,
/// share one database and <see cref="ResetAsync"/> it before each test. Dispose drops every database it made.
/// </summary>
public class PgSeedDatabase : IAsyncDisposable
{
    /// <summary>Set to <c>1</c> to keep the database of a failed test for inspection (its name and a psql command are printed).</summary>
    public const string KeepFailedVariable = "PGSEED_KEEP_FAILED";

    /// <summary>Set to <c>1</c> to report what a failed test changed relative to the seed (see <see cref="PgSeedOptions.ExplainFailures"/>).</summary>
    public const string ExplainFailedVariable = "PGSEED_EXPLAIN_FAILED";

    private readonly Action<PgSeedOptions>? _configure;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<string> _kept = new();
    private readonly HashSet<PgSeedLease> _leases = new();
    private PgSeedOptions? _options;
    private IPostgresServer? _server;
    private string? _template;
    private ClonedDatabase? _single;
    private DatabasePool? _pool;
    private string? _failedTest;
    private int _disposed;

    /// <summary>For derived classes that describe the database by overriding <see cref="Configure"/>.</summary>
    protected PgSeedDatabase() { }

    /// <summary>A database described by <paramref name="configure"/>, e.g. <c>new PgSeedDatabase(o => o.Schema("db/schema.sql").Seed("seeds/x"))</c>.</summary>
    public PgSeedDatabase(Action<PgSeedOptions> configure) => _configure = configure ?? throw new ArgumentNullException(nameof(configure));

    /// <summary>Describe the database: schema, seeds, server, reset strategy and mode.</summary>
    protected virtual void Configure(PgSeedOptions options) => _configure?.Invoke(options);

    /// <summary>The server the databases live on.</summary>
    public IPostgresServer Server => _server ?? throw NotInitialized();

    /// <summary>The configured reset strategy.</summary>
    public ResetStrategy Strategy => Options.Strategy;

    /// <summary>True unless <see cref="PgSeedOptions.SingleDatabase"/> was chosen: tests lease databases of their own.</summary>
    public bool UsesLeases => !Options.UsesSingleDatabase;

    /// <summary>
    /// The current database's name: the single database, or in lease mode the lease of the running test (see
    /// <see cref="CurrentLease"/>); without one, <c>PGSEED067</c>.
    /// </summary>
    public string DatabaseName => Current.Name;

    /// <summary>Connection string of the current database (see <see cref="DatabaseName"/>); stays valid across resets, including re-clones.</summary>
    public string ConnectionString => Current.ConnectionString;

    /// <summary>A data source (connection pool) for the current database (see <see cref="DatabaseName"/>).</summary>
    public NpgsqlDataSource DataSource => Current.DataSource;

    /// <summary>What the last reset of the current database did (useful in diagnostics and tests of the fixture itself).</summary>
    public ResetOutcome LastReset => Current.LastReset;

    /// <summary>Why the last change-capture reset of the current database fell back to a re-clone, if it did (redacted server message).</summary>
    public string? LastFallbackReason => Current.LastFallbackReason;

    /// <summary>Databases kept for failed tests under <see cref="KeepFailedVariable"/>.</summary>
    public IReadOnlyList<string> KeptDatabases { get { lock (_kept) return _kept.ToArray(); } }

    /// <summary>Opens a pooled connection to the current database (see <see cref="DatabaseName"/>).</summary>
    public ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken = default) =>
        Current.DataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>
    /// The lease the fixture-level members (<see cref="ConnectionString"/>, <see cref="DataSource"/>, ...) stand for
    /// in lease mode. None here; a test-framework adapter returns the running test's lease (PgSeed.Testing: the lease
    /// of the xUnit test that is running).
    /// </summary>
    protected virtual PgSeedLease? CurrentLease => null;

    /// <summary>Where progress lines go when <see cref="PgSeedOptions.Log"/> was not called. Nowhere here; adapters override.</summary>
    protected virtual void WriteLog(string message) { }

    /// <summary>Called when a lease has been returned (reset, or kept for a failed test); adapters forget their bookkeeping.</summary>
    protected virtual void OnLeaseReturned(PgSeedLease lease) { }

    /// <summary>
    /// In lease mode, what <see cref="ResetAsync"/> does when no <see cref="CurrentLease"/> exists: an adapter may
    /// lease a database for the running test and return it. Here: none, and <see cref="ResetAsync"/> reports
    /// <c>PGSEED067</c>.
    /// </summary>
    protected virtual ValueTask<PgSeedLease?> LeaseForCurrentTestAsync(CancellationToken cancellationToken) => new((PgSeedLease?)null);

    private PgSeedOptions Options => _options ?? throw NotInitialized();

    /// <summary>The lease pool (lease mode, once initialised): its counters back the tests' claims about clones.</summary>
    internal DatabasePool? Pool => _pool;

    private static bool KeepFailed => IsSet(KeepFailedVariable);

    private bool ExplainFailed => Options.ExplainsFailures || IsSet(ExplainFailedVariable);

    private static bool IsSet(string variable) => Environment.GetEnvironmentVariable(variable) is "1" or "true" or "yes";

    /// <summary>
    /// Starts (or joins) the server, builds or reuses the template, and clones the first database. Stops when
    /// <paramref name="cancellationToken"/> fires (xUnit's when a run is aborted), cancelling its statements on the server.
    /// Any failure is a <see cref="PgSeedException"/> whose message starts with its code.
    /// </summary>
    public virtual async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await InitializeCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw FixtureErrors.Coded(e, $"setting up {GetType().Name}'s database");
        }
    }

    private async Task InitializeCoreAsync(CancellationToken cancellationToken)
    {
        var options = new PgSeedOptions();
        try
        {
            Configure(options);
        }
        catch (Exception e) when (e is not PgSeedException)
        {
            // The user's code, not PgSeed's: say so rather than report an internal error.
            throw new PgSeedException(TestingErrorCode.FixtureMisuse, $"{GetType().Name}.Configure threw {e.GetType().Name}: {e.Message}", e);
        }
        _options = options;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string serverNote;
        if (options.ServerProvider is null)
        {
            var choice = await SharedServer.GetChoiceAsync(cancellationToken).ConfigureAwait(false);
            (_server, serverNote) = (choice.Server, choice.Reason);
        }
        else
        {
            try
            {
                _server = await options.ServerProvider(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not (PgSeedException or OperationCanceledException))
            {
                throw new PgSeedException(TestingErrorCode.NoTestServer,
                    $"The server given with .Server(...) to {GetType().Name} could not be started: {e.GetType().Name}: {ConnectionResolver.Redact(e.Message)}", e);
            }
            serverNote = $"{_server} (configured with .Server(...))";
        }
        var serverMs = clock.ElapsedMilliseconds;
        _template = await TemplateCache.GetOrBuildAsync(_server, options, Log, cancellationToken).ConfigureAwait(false);
        var templateMs = clock.ElapsedMilliseconds - serverMs;
        string mode;
        if (options.UsesSingleDatabase)
        {
            _single = await ClonedDatabase.CreateAsync(_server, _template, options, Log, cancellationToken).ConfigureAwait(false);
            mode = $"single database {_single.Name}";
        }
        else
        {
            _pool = new DatabasePool(_server, _template, options, Log);
            await _pool.WarmAsync(cancellationToken).ConfigureAwait(false);
            mode = "a database per test, leased from a pool of template clones";
        }
        Log($"PgSeed: {GetType().Name} ready in {clock.ElapsedMilliseconds} ms (server {serverMs} ms, template {templateMs} ms, " +
            $"clone {clock.ElapsedMilliseconds - serverMs - templateMs} ms); {mode}; server: {serverNote}.");
    }

    /// <summary>
    /// Brings the current database back to the seeded state (rows and sequence values) with the configured
    /// <see cref="ResetStrategy"/>. Single-database mode: the shared database (if the previous test was marked failed and
    /// <see cref="KeepFailedVariable"/> is set, that database is first renamed aside and kept). Lease mode: the running
    /// test's lease.
    /// </summary>
    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await ResetCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw FixtureErrors.Coded(e, $"resetting {GetType().Name}'s database");
        }
    }

    private async Task ResetCoreAsync(CancellationToken cancellationToken)
    {
        if (!Options.UsesSingleDatabase)
        {
            var lease = CurrentLease ?? await LeaseForCurrentTestAsync(cancellationToken).ConfigureAwait(false) ?? throw NoLease(nameof(ResetAsync));
            await lease.ResetAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var single = _single ?? throw NotInitialized();
            if (Interlocked.Exchange(ref _failedTest, null) is { } failed)
                await HandleFailureAsync(single, failed, output: null, cancellationToken).ConfigureAwait(false);
            else
                await single.ResetAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// A database of its own for one test, in the seeded state, from the pool of template clones (grown on demand, so
    /// as large as the number of tests that run at once). Dispose the lease when the test ends: it is reset in place and
    /// returned. Only in lease mode (the default).
    /// </summary>
    public virtual ValueTask<PgSeedLease> LeaseAsync(CancellationToken cancellationToken = default) => LeaseForSetupAsync(cancellationToken);

    /// <summary>
    /// <see cref="LeaseAsync"/> without an adapter's rules (the xUnit fixture allows leases only inside running tests): for a
    /// fixture's own setup code, e.g. reading the seeded state in an overridden <c>InitializeAsync</c>. Dispose it there.
    /// </summary>
    protected async ValueTask<PgSeedLease> LeaseForSetupAsync(CancellationToken cancellationToken = default)
    {
        if (Options.UsesSingleDatabase)
            throw new PgSeedException(TestingErrorCode.LeaseMisuse,
                $"{GetType().Name} is configured with .SingleDatabase(): it has one shared database and no pool to lease from. " +
                "Remove .SingleDatabase() to give each test a database of its own, or use ResetAsync() and the fixture's ConnectionString.");
        var pool = _pool ?? throw NotInitialized();
        var database = await pool.AcquireAsync(cancellationToken).ConfigureAwait(false);
        var lease = new PgSeedLease(this, database);
        lock (_leases) _leases.Add(lease);
        return lease;
    }

    /// <summary>
    /// Single-database mode: marks the current database as belonging to a failed test. At the next reset (or at dispose)
    /// it is kept when <see cref="KeepFailedVariable"/> is set, after its changes are reported when failures are explained.
    /// </summary>
    public void MarkTestFailed(string testName) => _failedTest = testName;

    /// <summary>
    /// Single-database mode: handles a failed test now, so the lines land in that test's output: reports its changes
    /// (<see cref="PgSeedOptions.ExplainFailures"/>), keeps its database (<see cref="KeepFailedVariable"/>) or else
    /// leaves the reset to the next test. In lease mode, use <see cref="PgSeedLease.MarkFailed"/> instead.
    /// </summary>
    public async Task RecordFailureAsync(string testName, Action<string>? output = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(testName);
        if (!Options.UsesSingleDatabase)
        {
            (CurrentLease ?? throw NoLease(nameof(RecordFailureAsync))).MarkFailed(testName, output);
            return;
        }
        if (!KeepFailed && !ExplainFailed) return;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _failedTest = null;
            await HandleFailureAsync(_single ?? throw NotInitialized(), testName, output, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Drops every database this instance made (a failed test's database marked with <see cref="KeepFailedVariable"/>
    /// stays). Disposing while leases are still out drops them too and reports <c>PGSEED078</c>.
    /// </summary>
    public virtual async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        GC.SuppressFinalize(this);
        var outstanding = 0;
        try
        {
            if (_pool is not null)
            {
                outstanding = await _pool.DisposeAsync().ConfigureAwait(false);
                Log($"PgSeed: {GetType().Name} disposed; its pool made {_pool.Created} database(s) for at most {_pool.PeakLeased} test(s) at once.");
            }
            if (_single is not null)
            {
                if (_failedTest is { } failed && KeepFailed)
                {
                    await _single.DetachAsync().ConfigureAwait(false);
                    RecordKept(_single, _single.Name, failed, output: null);
                }
                else await _single.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            // A server a provider started for this instance stops even when dropping the databases failed.
            if (_server is not null && _options?.OwnsServer == true) await _server.DisposeAsync().ConfigureAwait(false);
        }
        if (outstanding > 0)
            throw new PgSeedException(TestingErrorCode.LeasesOutstanding,
                $"{GetType().Name} was disposed while {outstanding} lease(s) were still out; their databases were dropped with the others. " +
                "Dispose every lease before the fixture (await using var db = await fixture.LeaseAsync()), and do not keep leases beyond the test that took them.");
    }

    /// <summary>Returns a lease's database to the pool: reset in place, or first explained and kept for a failed test.</summary>
    internal async Task ReturnAsync(PgSeedLease lease, ClonedDatabase database, string? failedTest, Action<string>? output)
    {
        lock (_leases) _leases.Remove(lease);
        OnLeaseReturned(lease);
        if (Volatile.Read(ref _disposed) == 1 || _pool is null) return; // the fixture dropped its databases already
        try
        {
            if (failedTest is not null) await HandleFailureAsync(database, failedTest, output, CancellationToken.None).ConfigureAwait(false);
            else await database.ResetAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            await _pool.DiscardAsync(database).ConfigureAwait(false);
            throw;
        }
        _pool.Release(database);
    }

    /// <summary>Explains (when asked) what the failed test changed, then keeps its database (when asked) or resets it.</summary>
    private async Task HandleFailureAsync(ClonedDatabase database, string failedTest, Action<string>? output, CancellationToken cancellationToken)
    {
        if (ExplainFailed)
        {
            var report = await database.DescribeChangesAsync($"PgSeed: what '{failedTest}' changed relative to the seed (database {database.Name})",
                cancellationToken).ConfigureAwait(false);
            Report(report, output);
        }
        if (KeepFailed)
        {
            var kept = await database.KeepAsync(cancellationToken).ConfigureAwait(false);
            RecordKept(database, kept, failedTest, output);
        }
        else await database.ResetAsync(cancellationToken).ConfigureAwait(false);
    }

    private void RecordKept(ClonedDatabase database, string kept, string failedTest, Action<string>? output)
    {
        lock (_kept) _kept.Add(kept);
        if (database.Server is LocalPostgresServer local) local.KeepOnExit = true;
        var connection = new NpgsqlConnectionStringBuilder(database.Server.ConnectionStringFor(kept));
        var psql = $"psql -h {connection.Host} -p {connection.Port} -U {connection.Username} -d {kept}";
        var lifetime = database.Server switch
        {
            LocalPostgresServer l => $" The local cluster in {l.DataDirectory} stays up until the next test run reaps it.",
            ExistingPostgresServer => " It stays on the server until you drop it.",
            _ => " It lives as long as its server (a container is removed when the test process exits).",
        };
        Report($"PgSeed: kept database {kept} of failed test '{failedTest}' ({ConnectionResolver.Describe(connection.ConnectionString)}).{lifetime}\n  {psql}", output);
    }

    private void Report(string message, Action<string>? output)
    {
        Log(message);
        output?.Invoke(message);
    }

    private void Log(string message)
    {
        if (_options?.LogSink is { } sink) sink(message);
        else WriteLog(message);
    }

    private ClonedDatabase Current
    {
        get
        {
            if (_single is not null) return _single;
            if (_pool is null) throw NotInitialized();
            return (CurrentLease ?? throw NoLease("the fixture's database")).Database;
        }
    }

    private PgSeedException NoLease(string what) => new(TestingErrorCode.LeaseMisuse,
        $"{GetType().Name}: {what} was used where no lease is held. Each test leases a database of its own: derive the test class from " +
        "PgSeedTest<TFixture> (xUnit; it leases one per test and the fixture's ConnectionString, DataSource and OpenConnectionAsync then mean " +
        "that test's database), or take one yourself (await using var db = await fixture.LeaseAsync(); use db.ConnectionString), " +
        "or configure .SingleDatabase() for one database shared by all tests.");

    private PgSeedException NotInitialized() => new(TestingErrorCode.FixtureMisuse,
        $"{GetType().Name} is not initialised yet. Use it as a fixture of your test framework or await InitializeAsync() first.");
}
