namespace PgSeed.Testing.Servers;

/// <summary>Picks the server for a test run: <c>PGSEED_TEST_CONNECTION</c> if set, else a throwaway local cluster.</summary>
public static class TestServers
{
    public const string ConnectionVariable = "PGSEED_TEST_CONNECTION";

    public static async Task<IPostgresServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var existing = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (!string.IsNullOrWhiteSpace(existing)) return await ExistingPostgresServer.ConnectAsync(existing, cancellationToken);
        return await LocalPostgresServer.StartAsync(cancellationToken);
    }
}
