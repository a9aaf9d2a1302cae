using PgSeed.Engine.Tests.Infrastructure;

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
        if (pg.Server is not PgSeed.Testing.Servers.LocalPostgresServer) return; // only meaningful for local clusters
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
