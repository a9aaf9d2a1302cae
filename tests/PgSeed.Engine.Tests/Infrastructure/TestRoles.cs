using Npgsql;
using PgSeed.Testing.Servers;

namespace PgSeed.Engine.Tests.Infrastructure;

/// <summary>
/// A non-superuser login role for one test (roles are cluster-wide, so the name is unique).
/// Dispose it after the databases it owns are dropped (declare it first with <c>await using</c>).
/// </summary>
public sealed class TestRole : IAsyncDisposable
{
    private readonly IPostgresServer _server;

    private TestRole(IPostgresServer server, string name)
    {
        _server = server;
        Name = name;
    }

    public string Name { get; }

    public static async Task<TestRole> CreateAsync(IPostgresServer server)
    {
        var role = new TestRole(server, $"r_{Guid.NewGuid():N}"[..20]);
        await role.AdminAsync($"CREATE ROLE \"{role.Name}\" LOGIN PASSWORD 'pw' NOSUPERUSER");
        return role;
    }

    /// <summary>The database's connection string, logged in as this role.</summary>
    public string ConnectionStringFor(TestDatabase db) =>
        new NpgsqlConnectionStringBuilder(db.ConnectionString) { Username = Name, Password = "pw" }.ConnectionString;

    private async Task AdminAsync(string sql)
    {
        await using var c = new NpgsqlConnection(_server.AdminConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        // The role's sessions (pooled ones included) end server-side; other tests' pools are left alone.
        await AdminAsync($"SELECT count(pg_catalog.pg_terminate_backend(pid)) FROM pg_catalog.pg_stat_activity WHERE usename = '{Name}'");
        try { await AdminAsync($"DROP ROLE IF EXISTS \"{Name}\""); }
        catch (PostgresException) { /* still owns objects somewhere: harmless in a throwaway cluster */ }
    }
}
