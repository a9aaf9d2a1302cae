using PgSeed.Engine.Tests.Infrastructure;
using static PgSeed.Engine.Tests.Infrastructure.CliRunner;
using static PgSeed.Engine.Tests.Import.ImportTestKit;

namespace PgSeed.Engine.Tests.Import;

public class ImportCliTests(PostgresFixture pg)
{
    [Fact]
    public async Task Import_prints_the_tree_and_exit_codes_follow_the_outcome()
    {
        await using var source = await pg.CreateDatabaseAsync(Schema() + Data);
        await using var target = await pg.CreateDatabaseAsync(Schema());
        var seed = await TestSeedFolders.FromDatabaseAsync(source.ConnectionString, Tables);

        var dry = await Run("import", "--connection", target.ConnectionString, "--in", seed, "--truncate", "--dry-run");
        Assert.True(dry.Code == 0, dry.Err);
        Assert.Contains("plan: import 5 tables (truncate, dry run)", dry.Out);
        Assert.Contains("TRUNCATE TABLE", dry.Out);
        Assert.Equal(0L, await target.ScalarAsync<long>("select count(*) from customer"));

        var ok = await Run("import", "--connection", target.ConnectionString, "--in", seed);
        Assert.True(ok.Code == 0, ok.Err);
        Assert.Contains("5 tables, 14 rows", ok.Out);
        Assert.Contains("Imported 14 rows in 5 tables", ok.Out);

        var conflict = await Run("import", "--connection", target.ConnectionString, "--in", seed);
        Assert.Equal(1, conflict.Code);
        Assert.Contains("error PGSEED045", conflict.Err);

        Assert.Equal(0, (await Run("import", "--connection", target.ConnectionString, "--in", seed, "--upsert")).Code);
        Assert.Equal(2, (await Run("import", "--connection", target.ConnectionString, "--in", seed, "--truncate", "--upsert")).Code);
        Assert.Equal(2, (await Run("import", "--connection", target.ConnectionString, "--in", seed, "--cascade")).Code);
        Assert.Equal(2, (await Run("import", "--connection", target.ConnectionString)).Code); // --in missing
    }
}
