using Npgsql;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;
using PgSeed.Testing.Reset;
using PgSeed.Testing.Servers;
using PgSeed.Testing.Templates;

namespace PgSeed.Testing.Pool;

/// <summary>
/// One database cloned from a template, with what resetting it needs: a data source for the tests, a dedicated
/// reset session with a prepared call, and the fallbacks (re-clone; rename aside and re-clone to keep a failed
/// test's database). Used by both modes: the single database of a fixture, and each database of a lease pool.
/// Not thread-safe: its owner (the fixture's gate, or the lease holding it) serialises calls.
/// </summary>
internal sealed class ClonedDatabase : IAsyncDisposable
{
    private readonly IPostgresServer _server;
    private readonly string _template;
    private readonly PgSeedOptions _options;
    private readonly Action<string> _log;
    private NpgsqlConnection? _resetConnection;
    private NpgsqlCommand? _resetCommand;
    private int _kept;

    private ClonedDatabase(IPostgresServer server, string template, string name, PgSeedOptions options, Action<string> log)
    {
        _server = server;
        _template = template;
        _options = options;
        _log = log;
        Name = name;
        ConnectionString = server.ConnectionStringFor(name);
        DataSource = CreateDataSource(ConnectionString, options.DataSourceConfiguration);
    }

    public string Name { get; }
    public string ConnectionString { get; }
    public NpgsqlDataSource DataSource { get; }
    public IPostgresServer Server => _server;
    public ResetOutcome LastReset { get; private set; }
    public string? LastFallbackReason { get; private set; }

    /// <summary>Clones <paramref name="template"/> under a new unique name.</summary>
    public static async Task<ClonedDatabase> CreateAsync(IPostgresServer server, string template, PgSeedOptions options, Action<string> log,
        CancellationToken cancellationToken)
    {
        var name = DatabaseNames.Fixture();
        await server.CreateDatabaseAsync(name, template, cancellationToken).ConfigureAwait(false);
        return new ClonedDatabase(server, template, name, options, log);
    }

    /// <summary>
    /// The data source tests use, with the user's configuration (<see cref="PgSeedOptions.DataSource"/>: type mappings such as
    /// enums, for EF Core). It lives as long as this database and is cleared on every re-clone (<see cref="RecloneAsync"/>,
    /// <see cref="KeepAsync"/>), so a context built on it never meets a connection the server ended.
    /// </summary>
    private static NpgsqlDataSource CreateDataSource(string connectionString, Action<NpgsqlDataSourceBuilder>? configure)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        configure?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>Back to the seeded state with the configured strategy.</summary>
    public async Task<ResetOutcome> ResetAsync(CancellationToken cancellationToken)
    {
        LastFallbackReason = null;
        LastReset = _options.Strategy switch
        {
            ResetStrategy.ChangeCapture => await ChangeCaptureResetAsync(cancellationToken).ConfigureAwait(false),
            ResetStrategy.TruncateAndReload => await ReloadAllAsync(cancellationToken).ConfigureAwait(false),
            _ => await CheckedRecloneAsync(cancellationToken).ConfigureAwait(false),
        };
        return LastReset;
    }

    /// <summary>What the current test changed relative to the seed (see <see cref="ChangeReport"/>).</summary>
    public Task<string> DescribeChangesAsync(string title, CancellationToken cancellationToken) =>
        _options.Strategy == ResetStrategy.ChangeCapture
            ? ChangeReport.DescribeAsync(ConnectionString, title, cancellationToken)
            : Task.FromResult($"{title}: no change report, it needs ResetStrategy.ChangeCapture (this fixture uses {_options.Strategy}).");

    /// <summary>
    /// Renames this database aside (kept for inspection, its name returned) and clones a fresh one under the same
    /// name, so the data source and connection string stay valid.
    /// </summary>
    public async Task<string> KeepAsync(CancellationToken cancellationToken)
    {
        await CloseResetConnectionAsync().ConfigureAwait(false);
        DataSource.Clear();
        var keptName = DatabaseNames.Kept(Name, Interlocked.Increment(ref _kept));
        await DatabaseAdmin.RenameAsync(_server.AdminConnectionString, Name, keptName, cancellationToken).ConfigureAwait(false);
        await _server.CreateDatabaseAsync(Name, _template, cancellationToken).ConfigureAwait(false);
        LastReset = ResetOutcome.Recloned;
        return keptName;
    }

    /// <summary>Drops the database (closing PgSeed's sessions on it first).</summary>
    public async ValueTask DisposeAsync()
    {
        await CloseResetConnectionAsync().ConfigureAwait(false);
        await DataSource.DisposeAsync().ConfigureAwait(false);
        await _server.DropDatabaseAsync(Name, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Closes PgSeed's sessions and leaves the database on the server (kept for a failed test at dispose).</summary>
    public async ValueTask DetachAsync()
    {
        await CloseResetConnectionAsync().ConfigureAwait(false);
        await DataSource.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<ResetOutcome> ChangeCaptureResetAsync(CancellationToken cancellationToken)
    {
        string result;
        try
        {
            var cmd = await ResetCommandAsync(cancellationToken).ConfigureAwait(false);
            cmd.Parameters[0].Value = _options.ReloadThreshold;
            result = (string)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        catch (Exception e) when (e is PostgresException or NpgsqlException && !cancellationToken.IsCancellationRequested)
        {
            // E.g. a cycle of non-deferrable FKs when FK checks cannot be turned off: a fresh clone is always right.
            var reason = ConnectionResolver.Redact(e.Message);
            _log($"PgSeed: change-capture reset of {Name} failed ({reason}); re-cloning.");
            var outcome = await RecloneAsync(cancellationToken).ConfigureAwait(false);
            LastFallbackReason = reason;
            return outcome;
        }
        return result switch
        {
            OpenTransactions.Busy => throw await OpenTransactions.ErrorAsync(_resetConnection!, Name, cancellationToken).ConfigureAwait(false),
            "clean" => ResetOutcome.Clean,
            "sequences" => ResetOutcome.SequencesRestored,
            "restored" => ResetOutcome.Restored,
            _ => await RecloneAsync(cancellationToken).ConfigureAwait(false), // "ddl": the schema changed under the captured state
        };
    }

    private async Task<ResetOutcome> ReloadAllAsync(CancellationToken cancellationToken)
    {
        var cmd = await ResetCommandAsync(cancellationToken).ConfigureAwait(false);
        var result = (string)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        if (result == OpenTransactions.Busy) throw await OpenTransactions.ErrorAsync(_resetConnection!, Name, cancellationToken).ConfigureAwait(false);
        return result == "reloaded" ? ResetOutcome.Reloaded : await RecloneAsync(cancellationToken).ConfigureAwait(false); // "ddl"
    }

    private async Task<NpgsqlCommand> ResetCommandAsync(CancellationToken cancellationToken)
    {
        if (_resetCommand is not null && _resetConnection?.State == System.Data.ConnectionState.Open) return _resetCommand;
        await CloseResetConnectionAsync().ConfigureAwait(false);
        // A dedicated unpooled session with a prepared call: the clean case is one round trip.
        _resetConnection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false, Enlist = false }.ConnectionString);
        await _resetConnection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await UseReplicaRoleAsync(_resetConnection, cancellationToken).ConfigureAwait(false);
        // Guarded: a reset while another session has a transaction open fails (PGSEED069) instead of reporting a clean database.
        _resetCommand = new NpgsqlCommand(OpenTransactions.Guard(_options.Strategy == ResetStrategy.ChangeCapture ? ResetInstaller.ResetCall : ResetInstaller.ReloadAllCall), _resetConnection)
        {
            CommandTimeout = 0,
        };
        if (_options.Strategy == ResetStrategy.ChangeCapture)
            _resetCommand.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Double, Value = 0.5 });
        await _resetCommand.PrepareAsync(cancellationToken).ConfigureAwait(false);
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
            using var cmd = new NpgsqlCommand("SET session_replication_role = replica", connection);
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            // An ordinary role resets with FK checks on (see CaptureScript); nothing to keep.
        }
    }

    /// <summary>CloneFromTemplate's reset: like the others, it refuses while another session has a transaction open (PGSEED069).</summary>
    private async Task<ResetOutcome> CheckedRecloneAsync(CancellationToken cancellationToken)
    {
        var admin = new NpgsqlConnection(_server.AdminConnectionString);
        await using (admin.ConfigureAwait(false))
        {
            await admin.OpenAsync(cancellationToken).ConfigureAwait(false);
            await OpenTransactions.ThrowIfAnyAsync(admin, Name, cancellationToken).ConfigureAwait(false);
        }
        return await RecloneAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<ResetOutcome> RecloneAsync(CancellationToken cancellationToken)
    {
        await CloseResetConnectionAsync().ConfigureAwait(false);
        DataSource.Clear();
        try
        {
            await _server.DropDatabaseAsync(Name, cancellationToken).ConfigureAwait(false);
            await _server.CreateDatabaseAsync(Name, _template, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is PostgresException or NpgsqlException)
        {
            throw new PgSeedException(TestingErrorCode.ResetFailed,
                $"Could not re-create database {Name} from template {_template}: {ConnectionResolver.Redact(e.Message)}", e);
        }
        return ResetOutcome.Recloned;
    }

    private async Task CloseResetConnectionAsync()
    {
        if (_resetCommand is not null) await _resetCommand.DisposeAsync().ConfigureAwait(false);
        if (_resetConnection is not null) await _resetConnection.DisposeAsync().ConfigureAwait(false);
        _resetCommand = null;
        _resetConnection = null;
    }
}
