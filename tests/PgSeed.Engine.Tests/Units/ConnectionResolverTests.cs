using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Tests.Units;

public class ConnectionResolverTests
{
    private static Func<string, string?> Env(params (string Key, string Value)[] vars) =>
        key => vars.FirstOrDefault(v => v.Key == key).Value;

    [Fact]
    public void Parses_postgresql_uris()
    {
        var cs = ConnectionResolver.Resolve("postgresql://app%40x:p%3Ass@db.example:6543/shop?sslmode=disable&application_name=ci", Env());
        var b = new Npgsql.NpgsqlConnectionStringBuilder(cs);
        Assert.Equal("db.example", b.Host);
        Assert.Equal(6543, b.Port);
        Assert.Equal("shop", b.Database);
        Assert.Equal("app@x", b.Username);
        Assert.Equal("p:ss", b.Password);
        Assert.Equal("ci", b.ApplicationName);
    }

    [Fact]
    public void Falls_back_to_pgseed_connection_then_pg_variables()
    {
        var fromVar = ConnectionResolver.Resolve(null, Env(("PGSEED_CONNECTION", "Host=h1;Database=d1")));
        Assert.Contains("Host=h1", fromVar);
        var fromPg = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionResolver.Resolve(" ", Env(("PGHOST", "h2"), ("PGPORT", "5433"), ("PGDATABASE", "d2"), ("PGUSER", "u"))));
        Assert.Equal(("h2", 5433, "d2", "u"), (fromPg.Host, fromPg.Port, fromPg.Database, fromPg.Username));
        var none = Assert.Throws<PgSeedException>(() => ConnectionResolver.Resolve(null, Env()));
        Assert.Equal(ErrorCode.NoConnection, none.Code);
    }

    [Fact]
    public void Never_echoes_a_password()
    {
        var e = Assert.Throws<PgSeedException>(() => ConnectionResolver.Resolve("Host=h;Password=hunter2;Bogus Key=1", Env()));
        Assert.Equal(ErrorCode.InvalidConnection, e.Code);
        Assert.DoesNotContain("hunter2", e.Message);
        Assert.DoesNotContain("hunter2", ConnectionResolver.Describe("Host=h;Database=d;Username=u;Password=hunter2"));
        Assert.Equal("x Password=*** y", ConnectionResolver.Redact("x Password=hunter2 y"));
    }
}
