using Npgsql;
using PgSeed.Testing.Servers;

namespace PgSeed.MSBuild.Tests.Infrastructure;

/// <summary>One PostgreSQL server for the end-to-end tests; each test makes its own databases.</summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private int _counter;

    public IPostgresServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await TestServers.StartAsync();

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();

    public async Task<TestDatabase> CreateDatabaseAsync(string? setupSql = null)
    {
        var name = $"m_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}_{Guid.NewGuid():N}"[..40];
        await Server.CreateDatabaseAsync(name);
        var db = new TestDatabase(Server, name);
        if (setupSql is not null) await db.ExecuteAsync(setupSql);
        return db;
    }
}

/// <summary>A database owned by one test; dropped on dispose.</summary>
public sealed class TestDatabase(IPostgresServer server, string name) : IAsyncDisposable
{
    public string Name { get; } = name;
    public string ConnectionString { get; } = server.ConnectionStringFor(name);

    public async Task ExecuteAsync(string sql)
    {
        await using var c = new NpgsqlConnection(ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var c = new NpgsqlConnection(ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await server.DropDatabaseAsync(Name);
    }
}
