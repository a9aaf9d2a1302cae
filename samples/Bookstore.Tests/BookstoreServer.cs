using Npgsql;
using PgSeed.Engine.Import;
using PgSeed.Testing.Servers;

[assembly: AssemblyFixture(typeof(Bookstore.Tests.BookstoreServer))]

namespace Bookstore.Tests;

/// <summary>
/// One throwaway PostgreSQL for the sample's tests. Each test gets a fresh database with the bookstore schema
/// and, when it asks, a seed loaded. (PgSeed.Testing's fixtures will do this in one line.)
/// </summary>
public sealed class BookstoreServer : IAsyncLifetime
{
    private int _counter;

    public IPostgresServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await TestServers.StartAsync();

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A new database holding the bookstore schema (and the full sample data if asked).</summary>
    public async Task<string> CreateDatabaseAsync(bool withSampleData = false)
    {
        var name = $"bookstore_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}";
        await Server.CreateDatabaseAsync(name);
        var connectionString = Server.ConnectionStringFor(name);
        await ExecuteAsync(connectionString, SampleFiles.SchemaSql);
        if (withSampleData) await ExecuteAsync(connectionString, SampleFiles.DataSql);
        return connectionString;
    }

    /// <summary>A new database with the schema and one checked-in seed loaded, as a test would use it.</summary>
    public async Task<NpgsqlDataSource> SeededDatabaseAsync(string seed)
    {
        var connectionString = await CreateDatabaseAsync();
        await SeedImporter.ImportAsync(new ImportRequest { ConnectionString = connectionString, SeedDirectory = Path.Combine(SampleFiles.Seeds, seed) });
        return NpgsqlDataSource.Create(connectionString);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }
}
