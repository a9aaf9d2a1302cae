using Xunit;

namespace PgSeed.Testing;

/// <summary>
/// Base class for test classes that use a <see cref="PgSeedFixture"/>: before each test it leases a database of the
/// test's own (or, in single-database mode, resets the shared one), and after it returns the lease, reporting a failed
/// test's changes (<c>PGSEED_EXPLAIN_FAILED=1</c>) and keeping its database (<c>PGSEED_KEEP_FAILED=1</c>) in the test's output.
/// Inside the test, <see cref="Database"/>'s <c>ConnectionString</c>, <c>DataSource</c> and <c>OpenConnectionAsync</c> are
/// the test's database.
/// </summary>
/// <example>
/// <code>
/// public class OrderTests(ShopDatabase db) : PgSeedTest&lt;ShopDatabase&gt;(db)
/// {
///     [Fact] public async Task Places_an_order() { await using var c = await Database.OpenConnectionAsync(); ... }
/// }
/// </code>
/// </example>
public abstract class PgSeedTest<TFixture> : IAsyncLifetime where TFixture : PgSeedFixture
{
    /// <summary>Keeps the fixture; the lease is taken in <see cref="InitializeAsync"/>.</summary>
    protected PgSeedTest(TFixture database) => Database = database;

    /// <summary>The fixture; during a test its connection members stand for this test's database, already in the seeded state.</summary>
    protected TFixture Database { get; }

    /// <summary>Leases the test's database (or resets the shared one).</summary>
    public virtual async ValueTask InitializeAsync() => await Database.BeginTestAsync(TestContext.Current.CancellationToken).ConfigureAwait(false);

    /// <summary>Returns the test's database, after reporting and keeping it if the test failed.</summary>
    public virtual async ValueTask DisposeAsync()
    {
        await Database.EndTestAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }
}
