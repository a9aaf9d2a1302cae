using PgSeed.Engine.Connection;
using PgSeed.Engine.Tests.Infrastructure;

namespace PgSeed.Engine.Tests.Units;

public class SessionTests(PostgresFixture pg)
{
    [Fact]
    public async Task Bulk_sessions_have_no_command_timeout_unless_the_user_set_one()
    {
        await using var db = await pg.CreateDatabaseAsync();
        await using (var c = await Sessions.OpenAsync(db.ConnectionString, TestContext.Current.CancellationToken))
            Assert.Equal(0, c.CommandTimeout);
        await using (var c = await Sessions.OpenAsync(db.ConnectionString + ";Command Timeout=7", TestContext.Current.CancellationToken))
            Assert.Equal(7, c.CommandTimeout);
    }
}
