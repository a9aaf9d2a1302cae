using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;

namespace EfCoreShop;

public sealed class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
{
    public DbSet<Category> Categories => Set<Category>();
    public DbSet<Product> Products => Set<Product>();
    public DbSet<Currency> Currencies => Set<Currency>();
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<OrderLine> OrderLines => Set<OrderLine>();

    /// <summary>The provider options the application uses, shared by the app, the design-time factory and the tests.</summary>
    public static void ConfigureNpgsql(NpgsqlDbContextOptionsBuilder npgsql) => npgsql.MapEnum<OrderStatus>("order_status");

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Category>(c =>
        {
            c.HasOne(x => x.Parent).WithMany(x => x.Children).HasForeignKey(x => x.ParentId).OnDelete(DeleteBehavior.Restrict);
            c.HasIndex(x => x.Name);
        });
        model.Entity<Currency>(c =>
        {
            c.HasKey(x => x.Code);
            c.Property(x => x.Code).HasMaxLength(3);
            c.HasData(
                new Currency { Code = "EUR", Name = "Euro" },
                new Currency { Code = "GBP", Name = "Pound sterling" },
                new Currency { Code = "USD", Name = "US dollar" });
        });
        model.Entity<Product>(p =>
        {
            p.Property(x => x.Price).HasPrecision(10, 2);
            p.OwnsOne(x => x.Details, d => d.ToJson());
        });
        model.Entity<Customer>(c => c.HasIndex(x => x.Email).IsUnique());
        model.Entity<OrderLine>(l => l.HasKey(x => new { x.OrderId, x.LineNo }));
    }
}

/// <summary>For `dotnet ef migrations add` only: no database is contacted.</summary>
public sealed class DesignTimeShopContextFactory : IDesignTimeDbContextFactory<ShopContext>
{
    public ShopContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ShopContext>().UseNpgsql("Host=localhost;Database=efcoreshop", ShopContext.ConfigureNpgsql).Options);
}
