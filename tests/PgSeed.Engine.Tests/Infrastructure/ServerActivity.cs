using System.Diagnostics;

namespace PgSeed.Engine.Tests.Infrastructure;

/// <summary>What PgSeed's sessions (application_name pgseed, and its pg_dump) are doing in a database, polled rather than slept on.</summary>
public static class ServerActivity
{
    private static string Ours(TestDatabase db) =>
        $"datname = '{db.Name}' and pid <> pg_backend_pid() and application_name in ('pgseed', 'pg_dump')";

    public static Task<long> BackendsAsync(TestDatabase db) =>
        db.ScalarAsync<long>($"select count(*) from pg_stat_activity where {Ours(db)}");

    /// <summary>Waits until one of PgSeed's sessions sleeps in pg_sleep (optionally while running a given statement).</summary>
    public static async Task WaitUntilSleepingAsync(TestDatabase db, TimeSpan timeout, Func<string?> failedEarly, string? query = null)
    {
        var sql = $"select count(*) from pg_stat_activity where {Ours(db)} and wait_event = 'PgSleep'" + (query is null ? "" : $" and query = '{query}'");
        var clock = Stopwatch.StartNew();
        while (await db.ScalarAsync<long>(sql) == 0)
        {
            if (failedEarly() is { } why) Assert.Fail("pgseed stopped before it was interrupted:\n" + why);
            if (clock.Elapsed > timeout) Assert.Fail("pgseed's statement never started sleeping on the server");
            await Task.Delay(25);
        }
    }

    /// <summary>Asserts that PgSeed's sessions are all gone within <paramref name="within"/>.</summary>
    public static async Task AssertGoneAsync(TestDatabase db, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        long left;
        while ((left = await BackendsAsync(db)) > 0)
        {
            if (clock.Elapsed > within)
            {
                var what = await db.ColumnAsync($"select state || ': ' || query from pg_stat_activity where {Ours(db)}");
                Assert.Fail($"{left} pgseed sessions still on the server {within} after it stopped: {string.Join("; ", what)}");
            }
            await Task.Delay(20);
        }
    }

    /// <summary>Ends sessions a killed client left running (what the server does once it notices the client is gone).</summary>
    public static Task TerminateAsync(TestDatabase db) =>
        db.ScalarAsync<long>($"select count(pg_terminate_backend(pid)) from pg_stat_activity where {Ours(db)}");
}
