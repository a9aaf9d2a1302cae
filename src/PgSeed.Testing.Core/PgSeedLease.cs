using Npgsql;
using PgSeed.Testing.Pool;
using PgSeed.Testing.Servers;

namespace PgSeed.Testing;

/// <summary>
/// A database of its own for one test, taken from a fixture's pool of template clones with
/// <see cref="PgSeedDatabase.LeaseAsync"/>: in the seeded state when handed out, and no other lease uses it until
/// this one is disposed. Disposing resets it in place (change capture: milliseconds) and gives it back, so the next
/// test gets it clean. Mark a failed test with <see cref="MarkFailed"/> before disposing to get its changes reported
/// (<c>PGSEED_EXPLAIN_FAILED=1</c>) or its database kept (<c>PGSEED_KEEP_FAILED=1</c>).
/// </summary>
public sealed class PgSeedLease : IAsyncDisposable
{
    private readonly PgSeedDatabase _owner;
    private readonly ClonedDatabase _database;
    private string? _failedTest;
    private Action<string>? _failureOutput;
    private int _returned;

    internal ClonedDatabase Database => _database;

    internal PgSeedLease(PgSeedDatabase owner, ClonedDatabase database)
    {
        _owner = owner;
        _database = database;
    }

    /// <summary>The leased database's name (<c>pgseed_&lt;process token&gt;_&lt;n&gt;_&lt;random&gt;</c>).</summary>
    public string DatabaseName => _database.Name;

    /// <summary>Connection string of the leased database; valid until the lease is disposed, including across re-clones.</summary>
    public string ConnectionString => _database.ConnectionString;

    /// <summary>A data source (connection pool) for the leased database.</summary>
    public NpgsqlDataSource DataSource => _database.DataSource;

    /// <summary>The server the database lives on.</summary>
    public IPostgresServer Server => _database.Server;

    /// <summary>What the last reset of this database did (before the lease was handed out, or <see cref="ResetAsync"/>).</summary>
    public ResetOutcome LastReset => _database.LastReset;

    /// <summary>Why the last change-capture reset fell back to a re-clone, if it did.</summary>
    public string? LastFallbackReason => _database.LastFallbackReason;

    /// <summary>Opens a pooled connection to the leased database.</summary>
    public ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken = default) =>
        _database.DataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>Back to the seeded state now, in the middle of a test (disposing the lease does it anyway).</summary>
    public Task<ResetOutcome> ResetAsync(CancellationToken cancellationToken = default) => _database.ResetAsync(cancellationToken);

    /// <summary>
    /// Reports what the test changed relative to the seed: per table the inserted, deleted and updated keys, changed
    /// columns old → new (capped), moved sequences. Needs <see cref="ResetStrategy.ChangeCapture"/>.
    /// </summary>
    public Task<string> DescribeChangesAsync(CancellationToken cancellationToken = default) =>
        _database.DescribeChangesAsync($"PgSeed: changes in {DatabaseName} relative to the seed", cancellationToken);

    /// <summary>
    /// Marks the test that used this lease as failed. When the lease is disposed, its changes are reported
    /// (<see cref="PgSeedOptions.ExplainFailures"/> or <c>PGSEED_EXPLAIN_FAILED=1</c>) and the database is kept
    /// (<c>PGSEED_KEEP_FAILED=1</c>) instead of reset. The lines go to the fixture's log and to <paramref name="output"/>
    /// (e.g. the test framework's test output).
    /// </summary>
    public void MarkFailed(string testName, Action<string>? output = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(testName);
        _failedTest = testName;
        _failureOutput = output;
    }

    /// <summary>Resets the database in place and returns it to the pool. A second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _returned, 1) == 1) return;
        await _owner.ReturnAsync(this, _database, _failedTest, _failureOutput).ConfigureAwait(false);
    }
}
