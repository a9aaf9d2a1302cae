using Npgsql;
using PgSeed.Engine.Copy;
using PgSeed.Engine.Export;
using PgSeed.Engine.Import;
using PgSeed.Engine.Upgrade;

namespace PgSeed.Engine.Tests.Units;

/// <summary>A request printed by a caller's log or a test framework names its servers, never their passwords.</summary>
public class RequestTextTests
{
    private const string Secret = "hunter2-secret";
    private const string WithPassword = "Host=db.example;Port=5433;Database=shop;Username=app;Password=" + Secret;

    [Fact]
    public void Requests_print_their_servers_without_the_password()
    {
        var export = new ExportRequest { ConnectionString = WithPassword, OutputDirectory = "seeds/shop", Roots = [new RootSelection { Table = "customer" }] };
        var texts = new[]
        {
            export.ToString(),
            new ImportRequest { ConnectionString = WithPassword, SeedDirectory = "seeds/shop" }.ToString(),
            new CopyRequest { Source = export, TargetConnectionString = WithPassword }.ToString(),
            new UpgradeRequest { SeedDirectory = "seeds/shop", ScratchConnectionString = WithPassword }.ToString(),
            new ExportRequest { ConnectionString = "postgresql://app:" + Secret + "@db.example/shop", OutputDirectory = "x", Roots = [] }.ToString(),
        };

        Assert.All(texts, t => Assert.DoesNotContain(Secret, t, StringComparison.Ordinal));
        Assert.All(texts.Take(4), t => Assert.Contains("app@db.example:5433/shop", t, StringComparison.Ordinal));
        Assert.Contains("customer", texts[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_data_source_prints_its_server_without_the_password()
    {
        using var source = NpgsqlDataSource.Create(WithPassword);
        var text = new ImportRequest { DataSource = source, SeedDirectory = "seeds/shop" }.ToString();
        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.Contains("data source app@db.example:5433/shop", text, StringComparison.Ordinal);
    }
}
