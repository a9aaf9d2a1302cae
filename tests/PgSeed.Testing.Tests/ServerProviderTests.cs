using Npgsql;
using PgSeed.Testing.Servers;
using PgSeed.Testing.Tests.Infrastructure;

namespace PgSeed.Testing.Tests;

/// <summary>
/// A server kind of the user's own supplies only <see cref="IPostgresServer"/>'s three members; PgSeed does the rest:
/// creating, cloning and dropping databases (quoted), and stopping a server a provider started, even when dropping fails.
/// </summary>
public sealed class ServerProviderTests : IDisposable
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private readonly string _dir = Directory.CreateTempSubdirectory("pgseed-server-provider-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// The shop schema and data in a script of this test's own: its template is this test's alone (another server object
    /// on the same server building the shared shop template would replace it under the other tests' feet).
    /// </summary>
    private string ShopScript()
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.sql");
        File.WriteAllText(path, $"-- {Path.GetFileName(path)}\n" +
                                File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "db/shop-schema.sql")) + "\n" +
                                File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "db/shop-data.sql")));
        return path;
    }

    /// <summary>What an implementer writes: an admin connection string, the major version, and how to stop the server.</summary>
    private sealed class MinimalServer(string adminConnectionString, int majorVersion) : IPostgresServer
    {
        public string AdminConnectionString { get; set; } = adminConnectionString;
        public int MajorVersion { get; } = majorVersion;
        public int Disposals { get; private set; }

        public ValueTask DisposeAsync()
        {
            Disposals++;
            return ValueTask.CompletedTask;
        }
    }

    private static async Task<MinimalServer> MinimalAsync()
    {
        var shared = await SharedServer.GetAsync(Cancel);
        return new MinimalServer(shared.AdminConnectionString, shared.MajorVersion);
    }

    [Fact]
    public async Task Database_names_that_need_quoting_are_created_cloned_and_dropped()
    {
        var server = await MinimalAsync();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var name = $"PgSeed \"odd\" name; drop {suffix}";
        var clone = $"{name} clone";
        try
        {
            await server.CreateDatabaseAsync(name, cancellationToken: Cancel);
            await Execute(server.ConnectionStringFor(name), "CREATE TABLE t (id int); INSERT INTO t VALUES (7);");
            NpgsqlConnection.ClearPool(new NpgsqlConnection(server.ConnectionStringFor(name))); // a template must have no sessions
            await server.CreateDatabaseAsync(clone, template: name, cancellationToken: Cancel);
            Assert.Equal(7, await Scalar<int>(server.ConnectionStringFor(clone), "SELECT id FROM t"));
            Assert.Equal(2L, await Scalar<long>(server.AdminConnectionString, $"SELECT count(*) FROM pg_database WHERE datname LIKE '%{suffix}%'"));
        }
        finally
        {
            await server.DropDatabaseAsync(clone, Cancel);
            await server.DropDatabaseAsync(name, Cancel);
        }
        Assert.Equal(0L, await Scalar<long>(server.AdminConnectionString, $"SELECT count(*) FROM pg_database WHERE datname LIKE '%{suffix}%'"));
        await server.DropDatabaseAsync(name, Cancel); // IF EXISTS: dropping twice is fine
    }

    [Fact]
    public async Task A_minimal_server_from_a_provider_gets_leases_and_is_stopped_once_with_the_database()
    {
        var server = await MinimalAsync();
        var db = new PgSeedDatabase(o => o.Schema(ShopScript()).Server(_ => Task.FromResult<IPostgresServer>(server)));
        string leased;
        try
        {
            await db.InitializeAsync(Cancel);
            Assert.Same(server, db.Server);
            await using var lease = await db.LeaseAsync(Cancel);
            leased = lease.DatabaseName;
            Assert.Equal(4L, await Scalar<long>(lease.ConnectionString, "SELECT count(*) FROM shop.customer"));
        }
        finally
        {
            await db.DisposeAsync();
        }
        Assert.Equal(1, server.Disposals);
        Assert.Equal(0L, await Scalar<long>(server.AdminConnectionString, $"SELECT count(*) FROM pg_database WHERE datname = '{leased}'"));
    }

    [Fact]
    public async Task A_provider_started_server_is_stopped_even_when_dropping_its_databases_fails()
    {
        var server = await MinimalAsync();
        var admin = server.AdminConnectionString;
        // One database (no pool filling ahead in the background), so the test knows what to clean up.
        var db = new PgSeedDatabase(o => o.Schema(ShopScript()).SingleDatabase().Server(_ => Task.FromResult<IPostgresServer>(server)));
        await db.InitializeAsync(Cancel);
        var single = db.DatabaseName;

        // The server becomes unreachable (as a crashed container would): dropping the clones fails, the server is still stopped.
        server.AdminConnectionString = new NpgsqlConnectionStringBuilder(admin) { Host = "127.0.0.1", Port = 1, Timeout = 2 }.ConnectionString;
        await Assert.ThrowsAnyAsync<Exception>(async () => await db.DisposeAsync());
        Assert.Equal(1, server.Disposals);

        server.AdminConnectionString = admin;
        await server.DropDatabaseAsync(single, Cancel);
    }

    private static async Task Execute(string connectionString, string sql)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync(Cancel);
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync(Cancel);
    }

    private static async Task<T> Scalar<T>(string connectionString, string sql)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync(Cancel);
        await using var cmd = new NpgsqlCommand(sql, c);
        return (T)(await cmd.ExecuteScalarAsync(Cancel))!;
    }
}
