using Xunit;
namespace PgSeed.Testing;

/// <summary>
/// Base class for test classes that use a <see cref="PgSeedFixture"/>: resets the database to the seeded
/// state before each test and reports each test's outcome to the fixture (for <c>PGSEED_KEEP_FAILED</c>).
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
    protected PgSeedTest(TFixture database) => Database = database;

    /// <summary>The fixture, already reset for this test.</summary>
    protected TFixture Database { get; }

    public virtual async ValueTask InitializeAsync() => await Database.ResetAsync(TestContext.Current.CancellationToken);

    public virtual ValueTask DisposeAsync()
    {
        Database.RecordTestOutcome();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
