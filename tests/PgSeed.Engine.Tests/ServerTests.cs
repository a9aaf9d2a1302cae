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
