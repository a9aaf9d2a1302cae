using Xunit;
using Npgsql;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;
using PgSeed.Testing.Reset;
using PgSeed.Testing.Servers;
using PgSeed.Testing.Templates;

namespace PgSeed.Testing;

/// <summary>
/// A PostgreSQL database holding your schema and seed, for xUnit v3 tests. Derive from it, describe the
/// database in <see cref="Configure"/>, and use it as an assembly, collection or class fixture. Each fixture
/// instance works in its own database cloned from a template (built once per configuration and process),
/// so parallel fixtures never see each other's data. Call <see cref="ResetAsync"/> before each test (or
/// derive tests from <see cref="PgSeedTest{TFixture}"/>) to get back to exactly the seeded state.
/// </summary>
public abstract class PgSeedFixture : IAsyncLifetime
{
    /// <summary>Set to <c>1</c> to keep the database of a failed test for inspection (its name is logged).</summary>
    public const string KeepFailedVariable = "PGSEED_KEEP_FAILED";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<string> _kept = new();
    private PgSeedOptions? _options;
    private IPostgresServer? _server;
    private string? _template;
    private NpgsqlDataSource? _dataSource;
    private NpgsqlConnection? _resetConnection;
    private NpgsqlCommand? _resetCommand;
    private string? _failedTest;

    /// <summary>Describe the database: schema, seeds, server and reset strategy.</summary>
    protected abstract void Configure(PgSeedOptions options);

    /// <summary>The server the database lives on.</summary>
    public IPostgresServer Server => _server ?? throw NotInitialized();

    /// <summary>This fixture's database (unique per fixture instance).</summary>
    public string DatabaseName { get; private set; } = "";

    /// <summary>Connection string of <see cref="DatabaseName"/>; stays valid across resets, including re-clones.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>A data source (connection pool) for the database.</summary>
    public NpgsqlDataSource DataSource => _dataSource ?? throw NotInitialized();

    /// <summary>The configured reset strategy.</summary>
    public ResetStrategy Strategy => Options.Strategy;

    /// <summary>What the last reset did (useful in diagnostics and tests of the fixture itself).</summary>
    public ResetOutcome LastReset { get; private set; }

    /// <summary>Why the last change-capture reset fell back to a re-clone, if it did (redacted server message).</summary>
    public string? LastFallbackReason { get; private set; }

    /// <summary>Databases kept for failed tests under <see cref="KeepFailedVariable"/>.</summary>
    public IReadOnlyList<string> KeptDatabases { get { lock (_kept) return _kept.ToArray(); } }

    private PgSeedOptions Options => _options ?? throw NotInitialized();

    /// <summary>Opens a pooled connection to the database.</summary>
    public ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken = default) =>
        DataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>
    /// Starts (or joins) the server, builds or reuses the template, clones this fixture's database. Stops when the test
    /// run is cancelled (xUnit's token), cancelling its statements on the server. Any failure is a <see cref="PgSeedException"/>
    /// whose message starts with its code.
    /// </summary>
    public virtual async ValueTask InitializeAsync() => await InitializeAsync(TestContext.Current.CancellationToken);

    internal async Task InitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await InitializeCoreAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw FixtureErrors.Coded(e, $"setting up {GetType().Name}'s database");
        }
    }

    private async Task InitializeCoreAsync(CancellationToken cancellationToken)
    {
        var options = new PgSeedOptions();
        Configure(options);
        _options = options;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        _server = options.ServerProvider is null
            ? await SharedServer.GetAsync(cancellationToken)
            : await options.ServerProvider(cancellationToken);
        var serverMs = clock.ElapsedMilliseconds;
        _template = await TemplateCache.GetOrBuildAsync(_server, options, cancellationToken);
        var templateMs = clock.ElapsedMilliseconds - serverMs;
        DatabaseName = DatabaseNames.Fixture();
        await _server.CreateDatabaseAsync(DatabaseName, _template, cancellationToken);
        ConnectionString = _server.ConnectionStringFor(DatabaseName);
        _dataSource = NpgsqlDataSource.Create(ConnectionString);
        FixtureLog.Write(options, $"PgSeed: {GetType().Name} ready in {clock.ElapsedMilliseconds} ms (server {serverMs} ms, " +
                                  $"template {templateMs} ms, clone {clock.ElapsedMilliseconds - serverMs - templateMs} ms): database {DatabaseName}.");
    }

    /// <summary>
    /// Brings the database back to the seeded state: rows and sequence values, using the configured
    /// <see cref="ResetStrategy"/>. If the previous test failed and <see cref="KeepFailedVariable"/> is set,
    /// that database is first renamed aside and kept.
    /// </summary>
    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await ResetCoreAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw FixtureErrors.Coded(e, $"resetting {DatabaseName}");
        }
    }

    private async Task ResetCoreAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (Interlocked.Exchange(ref _failedTest, null) is { } failed && KeepFailed)
            {
                await KeepCurrentDatabaseAsync(failed, cancellationToken);
                LastReset = ResetOutcome.Recloned;
                return;
            }
            LastReset = Options.Strategy switch
            {
                ResetStrategy.ChangeCapture => await ChangeCaptureResetAsync(cancellationToken),
                ResetStrategy.TruncateAndReload => await ReloadAllAsync(cancellationToken),
                _ => await RecloneAsync(cancellationToken),
            };
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Tells the fixture how the current test ended, read from xUnit's <c>TestContext.Current.TestState</c>
    /// (available once the test has run, e.g. in the test class's <c>DisposeAsync</c>). A failed test's
    /// database is kept at the next reset or at dispose when <see cref="KeepFailedVariable"/> is <c>1</c>.
    /// <see cref="PgSeedTest{TFixture}"/> calls this for you.
    /// </summary>
    public void RecordTestOutcome()
    {
        var context = TestContext.Current;
        if (context.TestState?.Result == TestResult.Failed)
            MarkTestFailed(context.Test?.TestDisplayName ?? "unknown test");
    }

    /// <summary>Marks the current database as belonging to a failed test (see <see cref="RecordTestOutcome"/>).</summary>
    public void MarkTestFailed(string testName) => _failedTest = testName;

    public virtual async ValueTask DisposeAsync()
    {
        await CloseResetConnectionAsync();
        if (_dataSource is not null) await _dataSource.DisposeAsync();
        if (_server is null || DatabaseName.Length == 0) return;
        if (_failedTest is { } failed && KeepFailed)
            Keep(DatabaseName, failed);
        else
            await _server.DropDatabaseAsync(DatabaseName);
        if (Options.OwnsServer) await _server.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private static bool KeepFailed => Environment.GetEnvironmentVariable(KeepFailedVariable) is "1" or "true" or "yes";

    private async Task<ResetOutcome> ChangeCaptureResetAsync(CancellationToken cancellationToken)
    {
        string result;
        LastFallbackReason = null;
        try
        {
            var cmd = await ResetCommandAsync(cancellationToken);
            cmd.Parameters[0].Value = Options.ReloadThreshold;
            result = (string)(await cmd.ExecuteScalarAsync(cancellationToken))!;
        }
        catch (Exception e) when (e is PostgresException or NpgsqlException && !cancellationToken.IsCancellationRequested)
        {
            // E.g. a cycle of non-deferrable FKs when FK checks cannot be turned off: a fresh clone is always right.
            LastFallbackReason = ConnectionResolver.Redact(e.Message);
            FixtureLog.Write(Options, $"PgSeed: change-capture reset of {DatabaseName} failed ({LastFallbackReason}); re-cloning.");
            return await RecloneAsync(cancellationToken);
        }
        return result switch
        {
            "clean" => ResetOutcome.Clean,
            "sequences" => ResetOutcome.SequencesRestored,
            "restored" => ResetOutcome.Restored,
            _ => await RecloneAsync(cancellationToken), // "ddl": the schema changed under the captured state
        };
    }

    private async Task<NpgsqlCommand> ResetCommandAsync(CancellationToken cancellationToken)
    {
        if (_resetCommand is not null && _resetConnection?.State == System.Data.ConnectionState.Open) return _resetCommand;
        await CloseResetConnectionAsync();
        // A dedicated unpooled session with a prepared call: the clean case is one round trip.
        _resetConnection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false, Enlist = false }.ConnectionString);
        await _resetConnection.OpenAsync(cancellationToken);
        await UseReplicaRoleAsync(_resetConnection, cancellationToken);
        _resetCommand = new NpgsqlCommand(Options.Strategy == ResetStrategy.ChangeCapture ? ResetInstaller.ResetCall : ResetInstaller.ReloadAllCall, _resetConnection)
        {
            CommandTimeout = 0,
        };
        if (Options.Strategy == ResetStrategy.ChangeCapture)
            _resetCommand.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Double, Value = 0.5 });
        await _resetCommand.PrepareAsync(cancellationToken);
        return _resetCommand;
    }

    /// <summary>
    /// Where the role may, the reset session stays in replica mode: the reset function's own
    /// <c>SET LOCAL session_replication_role = replica</c> is then no change, and PostgreSQL keeps the
    /// session's cached plans (changing the role flushes them, which made every reset re-plan everything).
    /// Capture triggers never fire in this session; nothing else runs on it.
    /// </summary>
    private static async Task UseReplicaRoleAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await using var cmd = new NpgsqlCommand("SET session_replication_role = replica", connection);
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            // An ordinary role resets with FK checks on (see CaptureScript); nothing to keep.
        }
    }

    private async Task<ResetOutcome> ReloadAllAsync(CancellationToken cancellationToken)
    {
        var cmd = await ResetCommandAsync(cancellationToken);
        var result = (string)(await cmd.ExecuteScalarAsync(cancellationToken))!;
        return result == "reloaded" ? ResetOutcome.Reloaded : await RecloneAsync(cancellationToken); // "ddl"

    }

    private async Task<ResetOutcome> RecloneAsync(CancellationToken cancellationToken)
    {
        await CloseResetConnectionAsync();
        _dataSource?.Clear();
        try
        {
            await Server.DropDatabaseAsync(DatabaseName, cancellationToken);
            await Server.CreateDatabaseAsync(DatabaseName, _template, cancellationToken);
        }
        catch (Exception e) when (e is PostgresException or NpgsqlException)
        {
            throw new PgSeedException(TestingErrorCode.ResetFailed,
                $"Could not re-create database {DatabaseName} from template {_template}: {ConnectionResolver.Redact(e.Message)}", e);
        }
        return ResetOutcome.Recloned;
    }

    /// <summary>Renames the failed test's database aside (kept, logged) and clones a fresh one under the usual name.</summary>
    private async Task KeepCurrentDatabaseAsync(string failedTest, CancellationToken cancellationToken)
    {
        await CloseResetConnectionAsync();
        _dataSource?.Clear();
        string keptName;
        lock (_kept) keptName = DatabaseNames.Kept(DatabaseName, _kept.Count + 1);
        await using (var admin = new NpgsqlConnection(Server.AdminConnectionString))
        {
            await admin.OpenAsync(cancellationToken);
            await using var cmd = new NpgsqlCommand(
                "SELECT count(pg_catalog.pg_terminate_backend(pid)) FROM pg_catalog.pg_stat_activity WHERE datname = $1 AND pid <> pg_catalog.pg_backend_pid()", admin);
            cmd.Parameters.AddWithValue(DatabaseName);
            await cmd.ExecuteScalarAsync(cancellationToken);
            await using var rename = new NpgsqlCommand(
                $"ALTER DATABASE {Engine.Sql.Identifier.Quote(DatabaseName)} RENAME TO {Engine.Sql.Identifier.Quote(keptName)}", admin);
            await rename.ExecuteNonQueryAsync(cancellationToken);
        }
        Keep(keptName, failedTest);
        await Server.CreateDatabaseAsync(DatabaseName, _template, cancellationToken);
    }

    private void Keep(string database, string failedTest)
    {
        lock (_kept) _kept.Add(database);
        if (_server is LocalPostgresServer local) local.KeepOnExit = true;
        var where = ConnectionResolver.Describe(_server!.ConnectionStringFor(database));
        var message = $"PgSeed: kept database {database} of failed test '{failedTest}' ({where})." +
                      (_server is LocalPostgresServer l ? $" The local cluster in {l.DataDirectory} stays up until the next test run reaps it." : "");
        FixtureLog.Write(Options, message);
        TestContext.Current.TestOutputHelper?.WriteLine(message);
        Console.Error.WriteLine(message);
    }

    private async Task CloseResetConnectionAsync()
    {
        if (_resetCommand is not null) await _resetCommand.DisposeAsync();
        if (_resetConnection is not null) await _resetConnection.DisposeAsync();
        _resetCommand = null;
        _resetConnection = null;
    }

    private PgSeedException NotInitialized() => new(TestingErrorCode.FixtureMisuse,
        $"{GetType().Name} is not initialised yet. Use it as an xUnit fixture (assembly, collection or class) or await InitializeAsync() first.");
}
