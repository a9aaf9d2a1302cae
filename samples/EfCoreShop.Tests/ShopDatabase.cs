using EfCoreShop;
using Microsoft.EntityFrameworkCore;
using PgSeed.Engine.Import;

// One fixture for the whole assembly: the template is built once; each test leases a database of its own.
[assembly: AssemblyFixture(typeof(EfCoreShop.Tests.ShopDatabase))]

namespace EfCoreShop.Tests;

/// <summary>
/// The shop's schema from its EF Core migrations, with the seed exported from a development database
/// (seeds/shop; see samples/EfCoreShop/README.md). The seed is merged with Upsert: the migrations insert the
/// currencies (HasData), the seed brings the two its products use, and Truncate would delete the third.
/// </summary>
public sealed class ShopDatabase : PgSeedFixture
{
    protected override void Configure(PgSeedOptions o) => o
        // The data source the tests hand to EF: enum mapped, cleared by PgSeed whenever it re-creates the database.
        .DataSource(b => b.MapEnum<OrderStatus>("order_status"))
        // Keyed by ShopContext and its migration ids. Faster alternative: .Schema("db/migrations.sql") from `dotnet ef migrations script`.
        .Migrations<ShopContext>(npgsql: ShopContext.ConfigureNpgsql)
        .Seed("seeds/shop", ImportMode.Upsert);

    /// <summary>A context on the running test's database, configured as the application configures it.</summary>
    public ShopContext CreateContext() =>
        new(new DbContextOptionsBuilder<ShopContext>().UseNpgsql(DataSource, ShopContext.ConfigureNpgsql).Options);
}
