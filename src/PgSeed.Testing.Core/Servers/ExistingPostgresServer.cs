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

    /// <inheritdoc />
    public string AdminConnectionString { get; }

    /// <inheritdoc />
    public int MajorVersion { get; }

    /// <summary>Connects once to check the server and read its version. Accepts connection strings and <c>postgresql://</c> URIs.</summary>
    public static async Task<ExistingPostgresServer> ConnectAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var resolved = PgSeed.Engine.Connection.ConnectionResolver.Resolve(connectionString);
        return new ExistingPostgresServer(resolved, await DatabaseAdmin.MajorVersionAsync(resolved, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>What the fixture log shows: host, port and database, never the password.</summary>
    public override string ToString() =>
        $"existing server {PgSeed.Engine.Connection.ConnectionResolver.Describe(AdminConnectionString)} (PostgreSQL {MajorVersion})";

    /// <summary>Nothing to stop: the server is not ours.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
