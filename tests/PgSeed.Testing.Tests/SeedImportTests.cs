using Npgsql;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Import;
using PgSeed.Testing.Servers;
using PgSeed.Testing.Tests.Infrastructure;

namespace PgSeed.Testing.Tests;

/// <summary>
/// Seeds imported through the engine: a seed folder exported (with the engine) from the SQL-seeded shop,
/// loaded by fixtures on top of the schema script alone.
/// </summary>
[Trait("Category", "Matrix")] // build/test.sh runs these on every PostgreSQL major
public sealed class SeedImportTests : IAsyncLifetime
{
    private static readonly string[] ShopTables =
        { "shop.category", "shop.customer", "shop.product", "shop.orders", "shop.order_line", "shop.employee", "shop.department", "shop.tag" };

    private string _seedFolder = "";
    private string _sourceDatabase = "";
    private IPostgresServer _server = null!;

    private sealed class ImportedShop(string schemaScript, string seedFolder, ResetStrategy strategy = ResetStrategy.ChangeCapture) : PgSeedFixture
    {
        protected override void Configure(PgSeedOptions options) =>
            options.Schema(schemaScript).Seed(seedFolder, ImportMode.Truncate).ResetStrategy(strategy).SingleDatabase().Log(_ => { });
    }

    public async ValueTask InitializeAsync()
    {
        _server = await SharedServer.GetAsync(TestContext.Current.CancellationToken);
        _sourceDatabase = $"pgseed_src_{Guid.NewGuid():N}"[..30];
        await _server.CreateDatabaseAsync(_sourceDatabase, null, TestContext.Current.CancellationToken);
        await using (var c = new NpgsqlConnection(_server.ConnectionStringFor(_sourceDatabase)))
        {
            await c.OpenAsync(TestContext.Current.CancellationToken);
            var sql = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "db/shop-schema.sql"), TestContext.Current.CancellationToken)
                      + await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "db/shop-data.sql"), TestContext.Current.CancellationToken);
            await new NpgsqlCommand(sql, c).ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
        _seedFolder = Path.Combine(Path.GetTempPath(), $"pgseed-fixture-seed-{Guid.NewGuid():N}");
        await SeedExporter.ExportAsync(new ExportRequest
        {
            ConnectionString = _server.ConnectionStringFor(_sourceDatabase),
            Roots = ShopTables.Select(t => new RootSelection { Table = t }).ToList(),
            OutputDirectory = _seedFolder,
        }, null, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DropDatabaseAsync(_sourceDatabase);
        if (Directory.Exists(_seedFolder)) Directory.Delete(_seedFolder, recursive: true);
    }

    [Fact]
    public async Task Fixture_imports_the_seed_and_resets_to_it()
    {
        await using var db = new ImportedShop("db/shop-schema.sql", _seedFolder);
        await db.InitializeAsync();
        var seeded = await DatabaseState.CaptureAsync(db.ConnectionString);
        var source = await DatabaseState.CaptureAsync(_server.ConnectionStringFor(_sourceDatabase));
        foreach (var (key, rows) in source.Entries.Where(e => e.Key.StartsWith("table ", StringComparison.Ordinal)))
            Assert.Equal(rows, seeded.Entries[key]);

        await using (var c = await db.OpenConnectionAsync(TestContext.Current.CancellationToken))
            await new NpgsqlCommand("""
                INSERT INTO shop.customer (email, name) VALUES ('imported@example.com', 'I');
                UPDATE shop.orders SET id = id + 500 WHERE id < 4;
                DELETE FROM shop.customer WHERE id = 2;
                TRUNCATE shop.tag;
                """, c).ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        await db.ResetAsync(TestContext.Current.CancellationToken);
        Assert.Equal(ResetOutcome.Restored, db.LastReset);
        (await DatabaseState.CaptureAsync(db.ConnectionString)).ShouldEqual(seeded);

        // The engine moved the owned sequences past the imported keys: new rows do not collide.
        await using (var c = await db.OpenConnectionAsync(TestContext.Current.CancellationToken))
            await new NpgsqlCommand("INSERT INTO shop.orders (customer_id) VALUES (1); INSERT INTO shop.category (name) VALUES ('fresh');", c)
                .ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Schema_drift_fails_with_the_engines_error_before_any_test()
    {
        var schema = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "db/shop-schema.sql"), TestContext.Current.CancellationToken);
        var drifted = schema.Replace(",\n    referred_by int REFERENCES shop.customer (id) ON DELETE SET NULL", "");
        Assert.NotEqual(schema, drifted);
        var path = Path.Combine(Path.GetTempPath(), $"pgseed-drifted-{Guid.NewGuid():N}.sql");
        await File.WriteAllTextAsync(path, drifted, TestContext.Current.CancellationToken);
        try
        {
            await using var db = new ImportedShop(path, _seedFolder);
            var e = await Assert.ThrowsAsync<PgSeedException>(() => db.InitializeAsync().AsTask());
            Assert.Equal(ErrorCode.TargetColumnMissing, e.Code);
            Assert.Equal("shop.customer", e.Table);
            Assert.Equal("referred_by", e.Column);

            // Every fixture with that configuration gets the same error at once (the failed build is remembered).
            await using var again = new ImportedShop(path, _seedFolder);
            var e2 = await Assert.ThrowsAsync<PgSeedException>(() => again.InitializeAsync().AsTask());
            Assert.Equal(e.Code, e2.Code);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(ResetStrategy.CloneFromTemplate)]
    [InlineData(ResetStrategy.TruncateAndReload)]
    public async Task Other_strategies_reset_an_imported_seed(ResetStrategy strategy)
    {
        await using var db = new ImportedShop("db/shop-schema.sql", _seedFolder, strategy);
        await db.InitializeAsync();
        var seeded = await DatabaseState.CaptureAsync(db.ConnectionString);
        await using (var c = await db.OpenConnectionAsync(TestContext.Current.CancellationToken))
            await new NpgsqlCommand("DELETE FROM shop.customer WHERE id = 1; INSERT INTO shop.tag VALUES ('z', 0);", c)
                .ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        await db.ResetAsync(TestContext.Current.CancellationToken);
        (await DatabaseState.CaptureAsync(db.ConnectionString)).ShouldEqual(seeded);
    }
}
