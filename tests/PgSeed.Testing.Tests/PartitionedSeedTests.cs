using Npgsql;
using PgSeed.Engine.Export;
using PgSeed.Engine.Import;
using PgSeed.Testing.Servers;
using PgSeed.Testing.Tests.Infrastructure;

namespace PgSeed.Testing.Tests;

/// <summary>
/// Fixtures over a Pagila-shaped schema (issue #19): a seed exported by the engine loads with
/// <see cref="ImportMode.Truncate"/> although the partitions' FKs reference its tables (1); new rows get ids past the
/// seed from sequences that defaults use without owning them (3); writes made straight into a partition are reset (6).
/// </summary>
[Trait("Category", "Matrix")] // build/test.sh runs these on every PostgreSQL major
public sealed class PartitionedSeedTests : IAsyncLifetime
{
    private string _seedFolder = "";
    private string _sourceDatabase = "";
    private IPostgresServer _server = null!;

    /// <summary>The schema, then the engine's import of the seed (or, without a seed, the data script).</summary>
    private sealed class Pagila(string? seedFolder, ImportMode mode = ImportMode.Truncate) : PgSeedFixture
    {
        protected override void Configure(PgSeedOptions options)
        {
            // One database the test resets itself (these tests are about the reset, not about leases).
            options.Schema("db/pagila-schema.sql").ResetStrategy(ResetStrategy.ChangeCapture).SingleDatabase();
            if (seedFolder is null) options.Schema("db/pagila-data.sql");
            else options.Seed(seedFolder, mode);
        }
    }

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _server = await SharedServer.GetAsync(ct);
        _sourceDatabase = $"pgseed_pagila_{Guid.NewGuid():N}"[..30];
        await _server.CreateDatabaseAsync(_sourceDatabase, null, ct);
        await using (var c = new NpgsqlConnection(_server.ConnectionStringFor(_sourceDatabase)))
        {
            await c.OpenAsync(ct);
            var sql = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "db/pagila-schema.sql"), ct)
                      + await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "db/pagila-data.sql"), ct);
            await new NpgsqlCommand(sql, c).ExecuteNonQueryAsync(ct);
        }
        _seedFolder = Path.Combine(Path.GetTempPath(), $"pgseed-pagila-seed-{Guid.NewGuid():N}");
        await SeedExporter.ExportAsync(new ExportRequest
        {
            ConnectionString = _server.ConnectionStringFor(_sourceDatabase),
            Roots = [new RootSelection { Table = "customer", Filter = "where customer_id <= 3" }],
            OutputDirectory = _seedFolder,
        }, null, ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DropDatabaseAsync(_sourceDatabase); // WITH (FORCE): no pool needs clearing
        if (Directory.Exists(_seedFolder)) Directory.Delete(_seedFolder, recursive: true);
    }

    [Fact]
    public async Task A_truncate_seed_loads_although_the_partitions_FKs_reference_its_tables()
    {
        await using var db = new Pagila(_seedFolder);
        await db.InitializeAsync();
        var seeded = await DatabaseState.CaptureAsync(db.ConnectionString);
        Assert.Contains(seeded.Entries.Keys, k => k.StartsWith("table public.payment (76 rows)", StringComparison.Ordinal));
        Assert.Contains(seeded.Entries.Keys, k => k.StartsWith("table public.customer (3 rows)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Writes_made_straight_into_partitions_are_reset()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = new Pagila(seedFolder: null);
        await db.InitializeAsync();
        var seeded = await DatabaseState.CaptureAsync(db.ConnectionString);
        Assert.Contains(seeded.Entries.Keys, k => k.StartsWith("table public.payment (151 rows)", StringComparison.Ordinal));

        await ExecuteAsync(db, """
            INSERT INTO payment_2024_02 (payment_id, customer_id, staff_id, amount, payment_date) VALUES (1000, 1, 1, 9.99, '2024-02-15');
            UPDATE payment_2024_01 SET amount = 0 WHERE customer_id = 1;
            DELETE FROM payment_2024_03 WHERE customer_id = 2;
            """);
        await db.ResetAsync(ct);
        Assert.Equal(ResetOutcome.Restored, db.LastReset);
        (await DatabaseState.CaptureAsync(db.ConnectionString)).ShouldEqual(seeded);

        await ExecuteAsync(db, "TRUNCATE payment_2024_01");
        await db.ResetAsync(ct);
        Assert.Equal(ResetOutcome.Restored, db.LastReset);
        (await DatabaseState.CaptureAsync(db.ConnectionString)).ShouldEqual(seeded);
    }

    [Fact]
    public async Task New_rows_get_ids_past_the_seed_from_sequences_that_defaults_use_without_owning_them()
    {
        await using var db = new Pagila(_seedFolder, ImportMode.Append);
        await db.InitializeAsync();
        var seeded = await DatabaseState.CaptureAsync(db.ConnectionString);

        await using (var c = await db.OpenConnectionAsync(TestContext.Current.CancellationToken))
        {
            Assert.Equal(4, await new NpgsqlCommand("INSERT INTO customer (store_id, name) VALUES (1, 'new') RETURNING customer_id", c)
                .ExecuteScalarAsync(TestContext.Current.CancellationToken));
            Assert.True((int)(await new NpgsqlCommand("INSERT INTO payment (customer_id, staff_id, amount, payment_date) VALUES (4, 1, 1, '2024-03-30') RETURNING payment_id", c)
                .ExecuteScalarAsync(TestContext.Current.CancellationToken))! > 150);
        }
        await db.ResetAsync(TestContext.Current.CancellationToken);
        (await DatabaseState.CaptureAsync(db.ConnectionString)).ShouldEqual(seeded);
    }

    private static async Task ExecuteAsync(PgSeedFixture db, string sql)
    {
        await using var c = await db.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await new NpgsqlCommand(sql, c).ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
