using Npgsql;
using PgSeed.Engine.Import;
using PgSeed.Testing.Servers;

namespace Bookstore.Tests;

/// <summary>
/// Extra databases on the fixture's server for the tests that need something other than the seeded state:
/// the full sample database (to re-export from) and an independent import of the seeds (to compare with).
/// The caller drops them.
/// </summary>
public static class ScratchDatabases
{
    private static int _counter;

    /// <summary>A new database with db/schema.sql, plus db/data.sql (the whole sample database) when asked.</summary>
    public static async Task<string> CreateAsync(IPostgresServer server, bool withSampleData, CancellationToken cancellationToken)
    {
        var name = NameFor("bookstore");
        await server.CreateDatabaseAsync(name, cancellationToken: cancellationToken);
        var connectionString = server.ConnectionStringFor(name);
        await ExecuteAsync(connectionString, SampleFiles.SchemaSql, cancellationToken);
        if (withSampleData) await ExecuteAsync(connectionString, SampleFiles.DataSql, cancellationToken);
        return name;
    }

    /// <summary>A new database with the schema and the seeds imported the way <see cref="BookstoreDatabase"/> imports them.</summary>
    public static async Task<string> CreateSeededAsync(IPostgresServer server, CancellationToken cancellationToken)
    {
        var name = await CreateAsync(server, withSampleData: false, cancellationToken);
        foreach (var (seed, mode) in new[] { ("german-customers", ImportMode.Truncate), ("catalog", ImportMode.Upsert) })
            await SeedImporter.ImportAsync(new ImportRequest
            {
                ConnectionString = server.ConnectionStringFor(name),
                SeedDirectory = SampleFiles.Output(Path.Combine("seeds", seed)),
                Mode = mode,
            }, cancellationToken: cancellationToken);
        return name;
    }

    private static string NameFor(string prefix) => $"{prefix}_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}";

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}
