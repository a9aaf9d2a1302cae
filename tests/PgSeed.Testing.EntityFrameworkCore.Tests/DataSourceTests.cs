using EfCoreShop;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PgSeed.Testing.EntityFrameworkCore.Tests.Infrastructure;

namespace PgSeed.Testing.EntityFrameworkCore.Tests;

/// <summary>Issue 18.2 and 18.3: the fixture's configurable data source, handed to EF, across re-clones.</summary>
public sealed class DataSourceTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static ShopFixture Migrated(ResetStrategy strategy = ResetStrategy.ChangeCapture) =>
        new(o => o.Migrations<ShopContext>(npgsql: ShopContext.ConfigureNpgsql).ResetStrategy(strategy));

    [Fact]
    public async Task A_mapped_enum_reads_and_writes_through_the_fixture_data_source()
    {
        await using var db = Migrated();
        await db.InitializeAsync();
        await using var lease = await db.LeaseAsync(Cancel);
        await using (var context = Shop.Context(lease.DataSource))
        {
            var customer = new Customer { Name = "Ada", Email = "ada@example.com" };
            context.Orders.Add(new Order { Customer = customer, Status = OrderStatus.Shipped, PlacedAt = DateTime.UtcNow });
            await context.SaveChangesAsync(Cancel);
        }

        // Plain ADO.NET on the fixture's data source: the enum mapping comes from .DataSource(b => b.MapEnum<...>()).
        await using var connection = await db.OpenConnectionAsync(Cancel);
        await using (var cmd = new NpgsqlCommand("SELECT \"Status\" FROM \"Orders\"", connection))
        await using (var reader = await cmd.ExecuteReaderAsync(Cancel))
        {
            Assert.True(await reader.ReadAsync(Cancel));
            Assert.Equal(OrderStatus.Shipped, reader.GetFieldValue<OrderStatus>(0));
        }
        await using (var cmd = new NpgsqlCommand("SELECT count(*) FROM \"Orders\" WHERE \"Status\" = $1", connection))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = OrderStatus.Shipped });
            Assert.Equal(1L, await cmd.ExecuteScalarAsync(Cancel));
        }
    }

    /// <summary>DDL in a test (change capture) and every reset of CloneFromTemplate re-create the database; EF's next query must work.</summary>
    [Theory]
    [InlineData(ResetStrategy.ChangeCapture)]
    [InlineData(ResetStrategy.CloneFromTemplate)]
    public async Task After_a_reclone_the_next_EF_query_on_the_fixture_data_source_succeeds(ResetStrategy strategy)
    {
        await using var db = Migrated(strategy);
        await db.InitializeAsync();
        await using var lease = await db.LeaseAsync(Cancel);
        await using (var context = Shop.Context(lease.DataSource))
        {
            context.Customers.Add(new Customer { Name = "Bo", Email = "bo@example.com" });
            await context.SaveChangesAsync(Cancel);
            await context.Database.ExecuteSqlRawAsync("CREATE TABLE scratch (id int)", Cancel); // DDL: change capture re-clones
        }

        await lease.ResetAsync(Cancel);
        Assert.Equal(ResetOutcome.Recloned, lease.LastReset);

        await using (var context = Shop.Context(lease.DataSource))
        {
            Assert.Equal(0, await context.Customers.CountAsync(Cancel)); // the pooled connection was cleared, not 57P01
            Assert.Equal(3, await context.Currencies.CountAsync(Cancel));
        }
    }

    /// <summary>What docs/efcore.md says about a data source you build yourself: it holds dead connections after a re-clone until cleared.</summary>
    [Fact]
    public async Task A_data_source_of_your_own_must_be_cleared_after_a_reclone()
    {
        await using var db = Migrated(ResetStrategy.CloneFromTemplate);
        await db.InitializeAsync();
        await using var lease = await db.LeaseAsync(Cancel);
        var builder = new NpgsqlDataSourceBuilder(lease.ConnectionString);
        builder.MapEnum<OrderStatus>("order_status");
        await using var own = builder.Build();
        await using (var context = Shop.Context(own))
            Assert.Equal(0, await context.Orders.CountAsync(Cancel));

        await lease.ResetAsync(Cancel);
        await using (var context = Shop.Context(own))
        {
            var e = await Assert.ThrowsAnyAsync<Exception>(() => context.Orders.CountAsync(Cancel));
            Assert.Equal(PostgresErrorCodes.AdminShutdown, (e as PostgresException ?? e.InnerException as PostgresException)?.SqlState);
        }

        await lease.ResetAsync(Cancel);
        if (lease.LastReset == ResetOutcome.Recloned) own.Clear();
        await using (var context = Shop.Context(own))
            Assert.Equal(0, await context.Orders.CountAsync(Cancel));
    }
}
