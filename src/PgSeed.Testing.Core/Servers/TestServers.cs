using PgSeed.Engine.Diagnostics;

namespace PgSeed.Testing.Servers;

/// <summary>
/// Picks the server for a test run from the environment, so one test project runs on a laptop, in Docker-only CI
/// and against a shared server without code changes. <c>PGSEED_TEST_SERVER</c>:
/// <list type="bullet">
/// <item><c>auto</c> (default): <c>PGSEED_TEST_CONNECTION</c> if set, else a throwaway local cluster when the
/// PostgreSQL server binaries are found, else a container when the <c>PgSeed.Testing.Testcontainers</c> package is
/// referenced and a Docker engine answers, else <c>PGSEED064</c> naming the three ways out;</item>
/// <item><c>local</c>, <c>existing</c> (needs <c>PGSEED_TEST_CONNECTION</c>) or <c>container</c>: that kind only.</item>
/// </list>
/// </summary>
public static class TestServers
{
    /// <summary>Connection string or <c>postgresql://</c> URI of a server to use instead of starting one.</summary>
    public const string ConnectionVariable = "PGSEED_TEST_CONNECTION";

    /// <summary><c>auto</c> (default), <c>local</c>, <c>container</c> or <c>existing</c>.</summary>
    public const string ServerVariable = "PGSEED_TEST_SERVER";

    /// <summary>The image a container server runs (default <c>postgres:17-alpine</c>).</summary>
    public const string ImageVariable = "PGSEED_TEST_POSTGRES_IMAGE";

    /// <summary>Starts (or connects to) the server the environment asks for. The caller owns it.</summary>
    public static async Task<IPostgresServer> StartAsync(CancellationToken cancellationToken = default) =>
        (await ChooseAsync(cancellationToken).ConfigureAwait(false)).Server;

    /// <summary>Starts the chosen server and says which one and why (for the fixture log).</summary>
    internal static async Task<ServerChoice> ChooseAsync(CancellationToken cancellationToken)
    {
        var kind = (Environment.GetEnvironmentVariable(ServerVariable) ?? "").Trim().ToLowerInvariant();
        var connection = Environment.GetEnvironmentVariable(ConnectionVariable);
        var hasConnection = !string.IsNullOrWhiteSpace(connection);
        switch (kind)
        {
            case "existing":
                if (!hasConnection)
                    throw new PgSeedException(ErrorCode.NoTestServer,
                        $"{ServerVariable}=existing needs {ConnectionVariable} (a connection string or postgresql:// URI of a server you run).");
                return new(await ExistingPostgresServer.ConnectAsync(connection!, cancellationToken).ConfigureAwait(false),
                    $"{ServerVariable}=existing");
            case "local":
                return new(await LocalPostgresServer.StartAsync(cancellationToken).ConfigureAwait(false),
                    $"{ServerVariable}=local");
            case "container":
                return new(await ContainerServerDiscovery.StartAsync(cancellationToken).ConfigureAwait(false),
                    $"{ServerVariable}=container");
            case "" or "auto":
                break;
            default:
                throw new PgSeedException(ErrorCode.NoTestServer,
                    $"{ServerVariable}={kind} is not a server kind. Use auto (default), local, container or existing.");
        }

        if (hasConnection)
            return new(await ExistingPostgresServer.ConnectAsync(connection!, cancellationToken).ConfigureAwait(false),
                $"{ConnectionVariable} is set");
        if (PostgresBinaries.TryFindBinDirectory() is { } binDir)
            return new(await LocalPostgresServer.StartAsync(cancellationToken).ConfigureAwait(false),
                $"{ConnectionVariable} is not set and the PostgreSQL binaries are in {binDir}");
        var container = await ContainerServerDiscovery.TryStartAsync(cancellationToken).ConfigureAwait(false);
        if (container.Server is not null)
            return new(container.Server, $"{ConnectionVariable} is not set, no PostgreSQL binaries were found, and a Docker engine answers");
        throw new PgSeedException(ErrorCode.NoTestServer,
            $"No PostgreSQL server for the tests: {ConnectionVariable} is not set, no PostgreSQL server binaries were found, " +
            $"and {container.WhyNot}. Any one of these fixes it: (1) set {ConnectionVariable} to a server you run; " +
            $"(2) install PostgreSQL's server binaries (Debian/Ubuntu: apt-get install -y postgresql, or set {PostgresBinaries.EnvironmentVariable}); " +
            "(3) reference the PgSeed.Testing.Testcontainers package and start Docker.");
    }
}

/// <summary>A started server and, for the fixture log, why it was chosen.</summary>
internal sealed record ServerChoice(IPostgresServer Server, string Reason);
