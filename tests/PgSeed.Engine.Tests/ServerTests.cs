using PgSeed.Engine.Tests.Infrastructure;
using PgSeed.Testing.Servers;

namespace PgSeed.Engine.Tests;

public class ServerTests(PostgresFixture pg)
{
    [Fact]
    public async Task Server_creates_databases_that_accept_queries()
    {
        await using var db = await pg.CreateDatabaseAsync("create table t(id int primary key); insert into t values (1), (2);");
        Assert.Equal(2L, await db.ScalarAsync<long>("select count(*) from t"));
        Assert.True(pg.Server.MajorVersion >= 12);
    }
}

public class AbandonedServerTests(PostgresFixture pg)
{
    [Fact]
    public async Task A_cluster_whose_owner_died_is_stopped_and_removed_at_the_next_start()
    {
        Assert.SkipUnless(pg.Server is PgSeed.Testing.Servers.LocalPostgresServer, "only local clusters are reaped by their owner file");
        var orphan = await PgSeed.Testing.Servers.LocalPostgresServer.StartAsync(TestContext.Current.CancellationToken);
        var clusterDir = Path.GetDirectoryName(orphan.DataDirectory)!;
        // Pretend the process that started it was killed: a PID that cannot be running.
        File.WriteAllText(Path.Combine(clusterDir, "owner.pid"), $"{int.MaxValue - 7}\n0\n");

        PgSeed.Testing.Servers.LocalPostgresServer.ReapAbandoned();

        Assert.False(Directory.Exists(clusterDir));
        await using var c = new Npgsql.NpgsqlConnection(orphan.AdminConnectionString + ";Timeout=2;Pooling=false");
        await Assert.ThrowsAnyAsync<Exception>(() => c.OpenAsync(TestContext.Current.CancellationToken));
        // Live clusters (this test run's own) are left alone.
        await using var live = await pg.CreateDatabaseAsync();
        Assert.Equal(1L, await live.ScalarAsync<long>("select 1::bigint"));
        await orphan.DisposeAsync();
    }
}

/// <summary>Who owns a leftover cluster or container: a live owner must never look gone (its server would be removed mid-run).</summary>
public class ProcessStampTests
{
    [Fact]
    public void This_process_is_alive_under_its_stamp()
    {
        Assert.True(ProcessStamp.IsAlive(Environment.ProcessId, ProcessStamp.Current));
        Assert.Equal(ProcessStamp.Current, ProcessStamp.Of(Environment.ProcessId));
    }

    [Fact]
    public void On_Linux_the_stamp_is_the_kernels_start_time_not_one_derived_from_the_wall_clock()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the kernel's start time is read from /proc on Linux only");
        var bootId = File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        Assert.StartsWith($"linux:{bootId}:", ProcessStamp.Current);
        Assert.True(long.TryParse(ProcessStamp.Current[(ProcessStamp.Current.LastIndexOf(':') + 1)..], out _));
    }

    [Fact]
    public void A_recycled_pid_is_not_the_owner()
    {
        var current = ProcessStamp.Current;
        var other = current.StartsWith("linux:", StringComparison.Ordinal) ? current[..(current.LastIndexOf(':') + 1)] + "1" : "1";
        Assert.False(ProcessStamp.IsAlive(Environment.ProcessId, other));
    }

    [Fact]
    public async Task A_process_that_exited_is_gone()
    {
        using var sleeper = System.Diagnostics.Process.Start("sleep", "30");
        var stamp = ProcessStamp.Of(sleeper.Id);
        Assert.NotNull(stamp);
        Assert.True(ProcessStamp.IsAlive(sleeper.Id, stamp));
        sleeper.Kill();
        await sleeper.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.False(ProcessStamp.IsAlive(sleeper.Id, stamp));
    }

    [Fact]
    public void Stamps_written_by_earlier_versions_still_name_a_live_owner()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        Assert.True(ProcessStamp.IsAlive(self.Id, self.StartTime.ToUniversalTime().Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        // And this version still writes that format beside its own, where earlier versions read it (a plain number).
        Assert.True(long.TryParse(ProcessStamp.LegacyCurrent, out _));
        Assert.True(ProcessStamp.IsAlive(self.Id, ProcessStamp.LegacyCurrent));
        Assert.False(ProcessStamp.IsAlive(int.MaxValue - 7, "0"));
    }
}
