using EfCoreShop;
using Microsoft.EntityFrameworkCore;
using PgSeed.Engine.Diagnostics;
using PgSeed.Testing.EntityFrameworkCore.Tests.Infrastructure;

namespace PgSeed.Testing.EntityFrameworkCore.Tests;

/// <summary>Issue 18.5: a reset while a DbContext transaction is still open fails clearly instead of reporting success.</summary>
public sealed class OpenTransactionTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(ResetStrategy.ChangeCapture)]
    [InlineData(ResetStrategy.TruncateAndReload)]
    [InlineData(ResetStrategy.CloneFromTemplate)]
    public async Task A_reset_while_a_DbContext_transaction_is_open_fails_naming_the_cause(ResetStrategy strategy)
    {
        await using var db = new ShopFixture(o => o.Migrations<ShopContext>(npgsql: ShopContext.ConfigureNpgsql).ResetStrategy(strategy));
        await db.InitializeAsync();
        await using var lease = await db.LeaseAsync(Cancel);
        var context = Shop.Context(lease.DataSource);
        var transaction = await context.Database.BeginTransactionAsync(Cancel);
        context.Customers.Add(new Customer { Name = "Open", Email = "open@example.com" });
        await context.SaveChangesAsync(Cancel);

        var e = await Assert.ThrowsAsync<PgSeedException>(() => lease.ResetAsync(Cancel));
        Assert.Equal(TestingErrorCode.ResetBlocked, e.Code);
        Assert.Contains("idle in transaction", e.Message);
        Assert.Contains("DbContext", e.Message);
        Assert.Contains("lock(s), last statement:", e.Message);

        // Disposed as it should be: the reset works and the uncommitted row never existed.
        await transaction.DisposeAsync();
        await context.DisposeAsync();
        await lease.ResetAsync(Cancel);
        await using var check = Shop.Context(lease.DataSource);
        Assert.Equal(0, await check.Customers.CountAsync(Cancel));
    }
}
