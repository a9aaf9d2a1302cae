using System.Collections.Concurrent;
using PgSeed.Engine.Diagnostics;
using Xunit;

namespace PgSeed.Testing;

/// <summary>
/// A PostgreSQL database holding your schema and seed, as an xUnit v3 fixture. Derive from it, describe the database in
/// <see cref="PgSeedDatabase.Configure"/>, and use it as an assembly (recommended), collection or class fixture.
/// By default every test leases a database of its own from a pool of template clones (<see cref="PgSeedTest{TFixture}"/>
/// does it for you), so test classes running in parallel never see each other's writes; within a test the fixture's
/// <see cref="PgSeedDatabase.ConnectionString"/>, <see cref="PgSeedDatabase.DataSource"/> and
/// <see cref="PgSeedDatabase.OpenConnectionAsync"/> stand for that test's lease. With
/// <see cref="PgSeedOptions.SingleDatabase"/> the fixture has one database that tests share and reset instead.
/// </summary>
public abstract class PgSeedFixture : PgSeedDatabase, IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, PgSeedLease> _testLeases = new(StringComparer.Ordinal);

    /// <summary>Describe the database: schema, seeds, server, reset strategy and mode.</summary>
    protected abstract override void Configure(PgSeedOptions options);

    /// <summary>Starts (or joins) the server, builds or reuses the template, clones the first database.</summary>
    public virtual ValueTask InitializeAsync() => new(InitializeAsync(TestContext.Current.CancellationToken));

    /// <summary>
    /// A database of its own for the running test (see <see cref="PgSeedDatabase.LeaseAsync"/>). The first lease a test
    /// takes also becomes what the fixture's <c>ConnectionString</c>, <c>DataSource</c> and <c>OpenConnectionAsync</c> stand
    /// for during that test. Outside a running test: <c>PGSEED067</c>.
    /// </summary>
    public override async ValueTask<PgSeedLease> LeaseAsync(CancellationToken cancellationToken = default)
    {
        var test = RunningTestId() ?? throw new PgSeedException(TestingErrorCode.LeaseMisuse,
            $"{GetType().Name}.LeaseAsync() was called outside a running test (in {TestContext.Current.PipelineStage}). Leases belong to one test: " +
            "take them in a test method or in the test class's constructor or InitializeAsync, and dispose them when the test ends.");
        var lease = await base.LeaseAsync(cancellationToken).ConfigureAwait(false);
        _testLeases.TryAdd(test, lease);
        return lease;
    }

    /// <summary>The lease of the running test, if it took one.</summary>
    protected override PgSeedLease? CurrentLease => RunningTestId() is { } test && _testLeases.TryGetValue(test, out var lease) ? lease : null;

    /// <summary>Without <c>.Log(...)</c>, progress lines are xUnit diagnostic messages (shown with <c>diagnosticMessages</c> on).</summary>
    protected override void WriteLog(string message) => TestContext.Current.SendDiagnosticMessage(message);

    /// <summary>Forgets which test held the lease.</summary>
    protected override void OnLeaseReturned(PgSeedLease lease)
    {
        foreach (var entry in _testLeases)
            if (ReferenceEquals(entry.Value, lease)) _testLeases.TryRemove(entry);
    }

    /// <summary>
    /// The pattern without <see cref="PgSeedTest{TFixture}"/> (<c>ResetAsync()</c> in the test class's <c>InitializeAsync</c>,
    /// <see cref="RecordTestOutcome"/> in its <c>DisposeAsync</c>) in lease mode: the running test leases a database here,
    /// returned by <see cref="RecordTestOutcome"/>.
    /// </summary>
    protected override async ValueTask<PgSeedLease?> LeaseForCurrentTestAsync(CancellationToken cancellationToken) =>
        RunningTestId() is null ? null : await LeaseAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Tells the fixture how the current test ended, read from xUnit's <c>TestContext.Current.TestState</c>
    /// (available once the test has run, e.g. in the test class's <c>DisposeAsync</c>). Lease mode: marks the test's lease
    /// failed if it failed and returns it (reset in the background). Single-database mode: a failed test's database is kept
    /// at the next reset when <see cref="PgSeedDatabase.KeepFailedVariable"/> is <c>1</c>.
    /// <see cref="PgSeedTest{TFixture}"/> does this for you (and awaits it).
    /// </summary>
    public void RecordTestOutcome() => _ = EndTestAsync(awaitReturn: false);

    /// <summary>Leases (or, in single-database mode, resets) for the test that is starting.</summary>
    internal async Task BeginTestAsync(CancellationToken cancellationToken)
    {
        if (UsesLeases) await LeaseAsync(cancellationToken).ConfigureAwait(false);
        else await ResetAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reports the finished test's outcome: failure report and kept database in its output, lease returned.</summary>
    internal async Task EndTestAsync(bool awaitReturn = true)
    {
        var context = TestContext.Current;
        var failed = context.TestState?.Result == TestResult.Failed ? context.Test?.TestDisplayName ?? "unknown test" : null;
        var output = context.TestOutputHelper is { } helper ? line => WriteOutput(helper, line) : (Action<string>?)null;
        if (!UsesLeases)
        {
            if (failed is null) return;
            if (awaitReturn) await RecordFailureAsync(failed, output).ConfigureAwait(false);
            else MarkTestFailed(failed);
            return;
        }
        if (RunningTestId() is not { } test || !_testLeases.TryRemove(test, out var lease)) return;
        if (failed is not null) lease.MarkFailed(failed, output);
        var returning = lease.DisposeAsync().AsTask();
        if (awaitReturn) await returning.ConfigureAwait(false);
    }

    private static void WriteOutput(ITestOutputHelper helper, string line)
    {
        try { helper.WriteLine(line); }
        catch (InvalidOperationException) { /* the test's output is closed already; the line went to the log */ }
    }

    private static string? RunningTestId() => TestContext.Current.Test?.UniqueID;
}
