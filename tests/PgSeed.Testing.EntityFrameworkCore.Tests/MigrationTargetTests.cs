using EfCoreShop;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using PgSeed.Engine.Diagnostics;
using PgSeed.Testing.EntityFrameworkCore.Tests.Infrastructure;

namespace PgSeed.Testing.EntityFrameworkCore.Tests;

/// <summary>Issue 18.1: two fixtures that migrate differently never share a template.</summary>
public sealed class MigrationTargetTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Fixtures_migrating_to_different_targets_get_different_schemas()
    {
        await using var initial = new ShopFixture(o => o.Migrations<ShopContext>("Initial", ShopContext.ConfigureNpgsql));
        await using var latest = new ShopFixture(o => o.Migrations<ShopContext>(npgsql: ShopContext.ConfigureNpgsql));
        await initial.InitializeAsync();
        await latest.InitializeAsync();

        await using (var lease = await initial.LeaseAsync(Cancel))
        {
            Assert.False(await Shop.ScalarAsync<bool>(lease.DataSource, "SELECT to_regclass('\"Orders\"') IS NOT NULL"));
            Assert.Equal(1L, await Shop.ScalarAsync<long>(lease.DataSource, "SELECT count(*) FROM \"__EFMigrationsHistory\""));
            // The Initial migration's HasData rows are there.
            Assert.Equal(3L, await Shop.ScalarAsync<long>(lease.DataSource, "SELECT count(*) FROM \"Currencies\""));
        }
        await using (var lease = await latest.LeaseAsync(Cancel))
        {
            Assert.True(await Shop.ScalarAsync<bool>(lease.DataSource, "SELECT to_regclass('\"Orders\"') IS NOT NULL"));
            Assert.Equal(2L, await Shop.ScalarAsync<long>(lease.DataSource, "SELECT count(*) FROM \"__EFMigrationsHistory\""));
        }
    }

    /// <summary>
    /// The shape from the issue: one fixture class whose lambda captures its target. Before PgSeed keyed captured values,
    /// both fixtures got the template of whichever was built first.
    /// </summary>
    [Fact]
    public async Task One_lambda_capturing_different_targets_builds_different_templates()
    {
        await using var initial = new MigratingFixture("Initial");
        await using var latest = new MigratingFixture(null);
        await initial.InitializeAsync();
        await latest.InitializeAsync();
        await using (var lease = await initial.LeaseAsync(Cancel))
            Assert.False(await Shop.ScalarAsync<bool>(lease.DataSource, "SELECT to_regclass('\"Orders\"') IS NOT NULL"));
        await using (var lease = await latest.LeaseAsync(Cancel))
            Assert.True(await Shop.ScalarAsync<bool>(lease.DataSource, "SELECT to_regclass('\"Orders\"') IS NOT NULL"));
    }

    [Fact]
    public async Task A_callback_capturing_what_cannot_be_keyed_asks_for_a_key()
    {
        var settings = new MigrationSettings("Initial");
        await using var unkeyed = new ShopFixture(o => o.Schema((cs, ct) => MigrateToAsync(cs, settings.Target, ct)));
        var e = await Assert.ThrowsAsync<PgSeedException>(() => unkeyed.InitializeAsync().AsTask());
        Assert.Equal(TestingErrorCode.SchemaCallbackUnkeyed, e.Code);
        Assert.Contains(nameof(MigrationSettings), e.Message);
        Assert.Contains("key:", e.Message);

        // With a key it is the user's promise: same key, same schema.
        await using var keyed = new ShopFixture(o => o.Schema((cs, ct) => MigrateToAsync(cs, settings.Target, ct), key: "Initial"));
        await keyed.InitializeAsync();
        await using var lease = await keyed.LeaseAsync(Cancel);
        Assert.False(await Shop.ScalarAsync<bool>(lease.DataSource, "SELECT to_regclass('\"Orders\"') IS NOT NULL"));
    }

    [Fact]
    public async Task An_unknown_target_migration_fails_when_the_fixture_starts()
    {
        await using var db = new ShopFixture(o => o.Migrations<ShopContext>("NoSuchMigration", ShopContext.ConfigureNpgsql));
        var e = await Assert.ThrowsAsync<PgSeedException>(() => db.InitializeAsync().AsTask());
        Assert.Equal(TestingErrorCode.SchemaCallbackFailed, e.Code);
        Assert.Contains("NoSuchMigration", e.Message);
        Assert.Contains("_AddOrders", e.Message); // the migrations it could have named
    }

    private sealed record MigrationSettings(string? Target);

    private sealed class MigratingFixture(string? target) : PgSeedFixture
    {
        protected override void Configure(PgSeedOptions o) => o
            .DataSource(b => b.MapEnum<OrderStatus>("order_status"))
            .Log(_ => { })
            .Schema((cs, ct) => MigrateToAsync(cs, target, ct));
    }

    /// <summary>What users wrote before <c>.Migrations&lt;TContext&gt;()</c>.</summary>
    private static async Task MigrateToAsync(string connectionString, string? target, CancellationToken cancellationToken)
    {
        await using var context = new ShopContext(new DbContextOptionsBuilder<ShopContext>()
            .UseNpgsql(connectionString, ShopContext.ConfigureNpgsql).Options);
        await context.GetService<IMigrator>().MigrateAsync(target, cancellationToken);
    }
}
