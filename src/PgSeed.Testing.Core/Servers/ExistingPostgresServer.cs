using Npgsql;

namespace PgSeed.Testing.Servers;

/// <summary>
/// A server the user already runs (e.g. from <c>PGSEED_TEST_CONNECTION</c>). PgSeed only creates and
/// drops its own uniquely named databases there; disposing leaves the server alone.
/// </summary>
public sealed class ExistingPostgresServer : IPostgresServer
{
    private ExistingPostgresServer(string connectionString, int majorVersion)
    {
        AdminConnectionString = connectionString;
        MajorVersion = majorVersion;
    }

    public string AdminConnectionString { get; }
    public int MajorVersion { get; }

    public static async Task<ExistingPostgresServer> ConnectAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var resolved = PgSeed.Engine.Connection.ConnectionResolver.Resolve(connectionString);
        return new ExistingPostgresServer(resolved, await DatabaseAdmin.MajorVersionAsync(resolved, cancellationToken));
    }

    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database }.ConnectionString;

    public Task CreateDatabaseAsync(string name, string? template = null, CancellationToken cancellationToken = default) =>
        DatabaseAdmin.CreateAsync(AdminConnectionString, name, template, cancellationToken);

    public Task DropDatabaseAsync(string name, CancellationToken cancellationToken = default) =>
        DatabaseAdmin.DropAsync(AdminConnectionString, name, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
