using PgSeed.Engine.Diagnostics;
using PgSeed.MSBuild.Tasks;
using PgSeed.MSBuild.Tests.Infrastructure;
using static PgSeed.MSBuild.Tests.Infrastructure.Seeds;

namespace PgSeed.MSBuild.Tests.Unit;

public sealed class SecretTests
{
    private const string Secret = "s3cr3t-Pa55";

    [Fact]
    public void No_logged_message_contains_the_password_and_a_password_property_warns_PGSEED083()
    {
        var ops = new FakeSeedOperations
        {
            OnExport = (_, log, _) =>
            {
                // Even if something upstream echoes a connection string, the adapter redacts it.
                log.Detail($"connecting with Password={Secret};Host=x");
                log.Warning(ErrorCode.DatabaseError, $"retry with password = {Secret}");
                throw new PgSeedException(ErrorCode.ConnectionFailed, $"Could not connect: Password={Secret}");
            },
        };
        var (task, build) = TaskHarness.Create<PgSeedExport>(ops);
        task.Connection = $"Host=db;Database=shop;Username=app;Password={Secret}";
        task.Seeds = [Item("seeds/a", ("Table", "t"))];

        Assert.False(task.Execute());

        Assert.Contains(build.Warnings, w => w.Code == ErrorCode.PasswordInProperty);
        Assert.Contains(build.Messages, m => m.Message!.Contains("app@db:5432/shop"));
        Assert.NotEmpty(build.AllText);
        Assert.DoesNotContain(build.AllText, text => text.Contains(Secret));
    }

    [Fact]
    public void Import_logs_no_password_either()
    {
        var ops = new FakeSeedOperations();
        var (task, build) = TaskHarness.Create<PgSeedImport>(ops);
        task.Connection = $"postgresql://app:{Secret}@db:5432/shop";
        task.Seeds = [Item("seeds/a", ("Table", "t"))];

        Assert.True(task.Execute());
        Assert.Contains(Secret, Assert.Single(ops.Imports).ConnectionString);
        Assert.DoesNotContain(build.AllText, text => text.Contains(Secret));
    }
}
