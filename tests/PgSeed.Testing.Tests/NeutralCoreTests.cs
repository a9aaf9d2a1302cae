using Npgsql;
using PgSeed.Testing.Tests.Infrastructure;

namespace PgSeed.Testing.Tests;

/// <summary>
/// The framework-neutral core as NUnit or MSTest users drive it: a plain <see cref="PgSeedDatabase"/> (no xUnit fixture,
/// no PgSeedTest base class), initialised, leased, reset and disposed by hand.
/// </summary>
[Collection(KeepFailedTests.Serial)] // marks leases failed: PGSEED_KEEP_FAILED, set by the keep-failed tests, must not leak in
public sealed class NeutralCoreTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static PgSeedDatabase Shop(Action<PgSeedOptions>? more = null) =>
        new(o =>
        {
            o.Schema("db/shop-schema.sql").Schema("db/shop-data.sql");
            more?.Invoke(o);
        });

    [Fact]
    public async Task A_plain_database_object_leases_resets_in_place_and_reuses_its_clones()
    {
        await using var db = Shop();
        await db.InitializeAsync(Cancel);
        DatabaseState seeded;
        string first;
        await using (var lease = await db.LeaseAsync(Cancel))
        {
            first = lease.DatabaseName;
            seeded = await DatabaseState.CaptureAsync(lease.ConnectionString);
            await using var c = await lease.OpenConnectionAsync(Cancel);
            await new NpgsqlCommand("UPDATE shop.customer SET name = 'changed' WHERE id = 1; INSERT INTO shop.tag VALUES ('new', 1); DELETE FROM shop.order_line;", c)
                .ExecuteNonQueryAsync(Cancel);
        }

        // The next lease is the same clone, reset in place by change capture: no new database per test.
        await using (var again = await db.LeaseAsync(Cancel))
        {
            Assert.Equal(first, again.DatabaseName);
            Assert.Equal(ResetOutcome.Restored, again.LastReset);
            (await DatabaseState.CaptureAsync(again.ConnectionString)).ShouldEqual(seeded);

            // Two leases at once are two databases; the pool grew by exactly one.
            await using var other = await db.LeaseAsync(Cancel);
            Assert.NotEqual(again.DatabaseName, other.DatabaseName);
            (await DatabaseState.CaptureAsync(other.ConnectionString)).ShouldEqual(seeded);
        }
        Assert.Equal(2, db.Pool!.Created);
        Assert.Equal(2, db.Pool.PeakLeased);
    }

    [Fact]
    public async Task Single_database_mode_resets_the_shared_database()
    {
        await using var db = Shop(o => o.SingleDatabase());
        await db.InitializeAsync(Cancel);
        var seeded = await DatabaseState.CaptureAsync(db.ConnectionString);
        await using (var c = await db.OpenConnectionAsync(Cancel))
            await new NpgsqlCommand("INSERT INTO shop.customer (email, name) VALUES ('n@example.com', 'N')", c).ExecuteNonQueryAsync(Cancel);
        await db.ResetAsync(Cancel);
        Assert.Equal(ResetOutcome.Restored, db.LastReset);
        (await DatabaseState.CaptureAsync(db.ConnectionString)).ShouldEqual(seeded);

        var e = await Assert.ThrowsAsync<Engine.Diagnostics.PgSeedException>(async () => await db.LeaseAsync(Cancel));
        Assert.Equal(TestingErrorCode.LeaseMisuse, e.Code);
    }

    [Fact]
    public async Task Without_a_lease_the_fixture_level_members_say_what_to_do()
    {
        await using var db = Shop();
        await db.InitializeAsync(Cancel);
        var e = Assert.Throws<Engine.Diagnostics.PgSeedException>(() => db.ConnectionString);
        Assert.Equal(TestingErrorCode.LeaseMisuse, e.Code);
        Assert.Contains("LeaseAsync", e.Message);
        Assert.Contains("SingleDatabase", e.Message);
        var reset = await Assert.ThrowsAsync<Engine.Diagnostics.PgSeedException>(() => db.ResetAsync(Cancel));
        Assert.Equal(TestingErrorCode.LeaseMisuse, reset.Code);
    }

    [Fact]
    public async Task A_failed_tests_changes_are_reported_before_its_database_is_reset()
    {
        await using var db = Shop(o => o.ExplainFailures());
        await db.InitializeAsync(Cancel);
        var output = new List<string>();
        string name;
        await using (var lease = await db.LeaseAsync(Cancel))
        {
            name = lease.DatabaseName;
            await using var c = await lease.OpenConnectionAsync(Cancel);
            await new NpgsqlCommand("""
                INSERT INTO shop.customer (email, name) VALUES ('new@example.com', 'New');
                UPDATE shop.customer SET name = 'Changed', referred_by = NULL WHERE id = 1;
                UPDATE shop.product SET price = price + 1 WHERE id = 1;
                UPDATE shop.product SET price = price - 1 WHERE id = 1;
                DELETE FROM shop.order_line WHERE order_id = 2;
                TRUNCATE shop.tag;
                """, c).ExecuteNonQueryAsync(Cancel);
            lease.MarkFailed("Deliberately failing test", output.Add);
        }
        var report = Assert.Single(output);
        Assert.Contains($"PgSeed: what 'Deliberately failing test' changed relative to the seed (database {name})", report);
        Assert.Contains("shop.customer: 1 inserted, 1 updated, 0 deleted", report);
        Assert.Contains("+ id=5", report);
        Assert.Contains("~ id=1: name 'Ada' → 'Changed'", report);
        Assert.Contains("shop.order_line: 0 inserted, 0 updated, 3 deleted", report);
        Assert.Contains("- order_id=2, line_no=1", report);
        Assert.Contains("shop.tag: written or truncated (no primary or unique key, so rows are not told apart); 0 rows now, 3 seeded", report);
        Assert.DoesNotContain("shop.product", report); // written, but back as seeded: not a change
        Assert.Contains("sequence shop.customer_id_seq: 4 → 5", report);

        // The report was made before the reset: the next lease is seeded again.
        await using var next = await db.LeaseAsync(Cancel);
        Assert.Equal(name, next.DatabaseName);
        await using var check = await next.OpenConnectionAsync(Cancel);
        Assert.Equal("Ada", await new NpgsqlCommand("SELECT name FROM shop.customer WHERE id = 1", check).ExecuteScalarAsync(Cancel));
    }

    [Fact]
    public async Task A_report_for_a_test_that_changed_nothing_says_so()
    {
        await using var db = Shop();
        await db.InitializeAsync(Cancel);
        await using var lease = await db.LeaseAsync(Cancel);
        var report = await lease.DescribeChangesAsync(Cancel);
        Assert.EndsWith("nothing (the database is in its seeded state)", report);
    }
}
