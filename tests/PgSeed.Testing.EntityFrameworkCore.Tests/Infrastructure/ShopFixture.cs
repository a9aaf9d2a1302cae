using EfCoreShop;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PgSeed.Tests.Shared;

[assembly: AssemblyFixture(typeof(PgSeed.Testing.EntityFrameworkCore.Tests.Infrastructure.EfPostgres))]

namespace PgSeed.Testing.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>A raw server for source databases the tests export seeds from.</summary>
public sealed class EfPostgres() : TestPostgres("pgseed_ef");

/// <summary>
/// A fixture on the EfCoreShop model: the data source maps the enum as the application does, then <paramref name="configure"/>
/// adds the schema and seeds. Progress lines are collected for the tests to read.
/// </summary>
public sealed class ShopFixture(Action<PgSeedOptions> configure) : PgSeedFixture
{
    private readonly List<string> _log = new();

    public IReadOnlyList<string> LogLines { get { lock (_log) return _log.ToArray(); } }

    protected override void Configure(PgSeedOptions options)
    {
        options.DataSource(b => b.MapEnum<OrderStatus>("order_status")).Log(line => { lock (_log) _log.Add(line); });
        configure(options);
    }
}

public static class Shop
{
    /// <summary>A context on a data source, configured as the application configures it (the pattern docs/efcore.md shows).</summary>
    public static ShopContext Context(NpgsqlDataSource dataSource) =>
        new(new DbContextOptionsBuilder<ShopContext>().UseNpgsql(dataSource, ShopContext.ConfigureNpgsql).Options);

    public static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var c = await dataSource.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }
}
