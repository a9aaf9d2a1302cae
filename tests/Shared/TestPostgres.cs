using Npgsql;
using PgSeed.Testing.Servers;

namespace PgSeed.Tests.Shared;

/// <summary>
/// One PostgreSQL server per test assembly (a throwaway local cluster, or PGSEED_TEST_CONNECTION); each test
/// makes its own uniquely named databases. Linked into every test project that needs a raw server.
/// </summary>
public abstract class TestPostgres(string databasePrefix) : IAsyncLifetime
{
    private int _counter;

    public IPostgresServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await TestServers.StartAsync();

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();

    /// <summary>Creates a fresh database with a unique name and runs <paramref name="setupSql"/> in it.</summary>
    public async Task<TestDatabase> CreateDatabaseAsync(string? setupSql = null)
    {
        var name = $"{databasePrefix}_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}_{Guid.NewGuid():N}"[..40];
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

    /// <summary>Rows of a query as strings (first column), in query order.</summary>
    public async Task<List<string>> ColumnAsync(string sql)
    {
        await using var c = new NpgsqlConnection(ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await using var r = await cmd.ExecuteReaderAsync();
        var list = new List<string>();
        while (await r.ReadAsync()) list.Add(r.IsDBNull(0) ? "<null>" : r.GetValue(0).ToString()!);
        return list;
    }

    /// <summary>
    /// Drops the database (WITH (FORCE) ends the sessions still on it) and clears this database's own pool, never the
    /// process's other pools: tests running in parallel keep theirs.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
        await server.DropDatabaseAsync(Name);
    }
}
