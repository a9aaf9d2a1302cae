using PgSeed.Engine.Export;
using PgSeed.Engine.Seed;
using PgSeed.Engine.Tests.Infrastructure;

namespace PgSeed.Engine.Tests.Export;

/// <summary>Issue 18.7: a seed records the EF Core migration its source database was at; other seeds are unchanged.</summary>
public class EfMigrationRecordTests(PostgresFixture pg)
{
    private const string Schema = """
        create table "Customers"("Id" int primary key, "Name" text not null);
        insert into "Customers" values (1, 'Ada');
        """;

    [Fact]
    public async Task The_manifest_records_the_latest_migration_of_the_history_table()
    {
        await using var db = await pg.CreateDatabaseAsync(Schema + """
            create schema app;
            create table app."__EFMigrationsHistory"("MigrationId" varchar(150) primary key, "ProductVersion" varchar(32) not null);
            insert into app."__EFMigrationsHistory" values ('20250201000000_AddOrders', '10.0.4'), ('20250101000000_Initial', '10.0.4');
            """);
        var (report, manifest, text) = await ExportAsync(db.ConnectionString);
        Assert.Equal("20250201000000_AddOrders", report.EfMigration);
        Assert.Equal("20250201000000_AddOrders", manifest.EfMigration);
        Assert.Contains("\"efMigration\": \"20250201000000_AddOrders\"", text);
        Assert.DoesNotContain(manifest.Tables, t => t.Table == "__EFMigrationsHistory");
    }

    [Fact]
    public async Task Without_a_history_table_the_manifest_has_no_such_property()
    {
        await using var db = await pg.CreateDatabaseAsync(Schema);
        var (report, manifest, text) = await ExportAsync(db.ConnectionString);
        Assert.Null(report.EfMigration);
        Assert.Null(manifest.EfMigration);
        Assert.DoesNotContain("efMigration", text);
    }

    private static async Task<(ExportReport, SeedManifest, string)> ExportAsync(string connectionString)
    {
        var parent = Directory.CreateTempSubdirectory("pgseed-ef-").FullName;
        var dir = Path.Combine(parent, "seed");
        try
        {
            var report = await SeedExporter.ExportAsync(new ExportRequest
            {
                ConnectionString = connectionString, OutputDirectory = dir, Roots = [new RootSelection { Table = "\"Customers\"" }],
            }, cancellationToken: TestContext.Current.CancellationToken);
            return (report, ManifestSerializer.Read(dir), await File.ReadAllTextAsync(Path.Combine(dir, SeedManifest.FileName), TestContext.Current.CancellationToken));
        }
        finally
        {
            Directory.Delete(parent, recursive: true);
        }
    }
}
