using System.Diagnostics;
using Docker.DotNet;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using Npgsql;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;
using PgSeed.Testing.Servers;
using Testcontainers.PostgreSql;

namespace PgSeed.Testing.Testcontainers;

/// <summary>
/// A PostgreSQL server in a Docker container, started with Testcontainers.PostgreSql. Fixtures share one container per
/// test process (<see cref="GetSharedAsync(CancellationToken)"/>; templates and clones live inside it), removed when the
/// process exits; containers of a killed test process are removed by the next run (they carry the owner's process id
/// and start time as labels, like local clusters record theirs). Every failure to start (no engine, an image that cannot
/// be pulled, a container that never becomes ready, a port that is not mapped) is a <c>PGSEED065</c> error naming the fix,
/// within a bounded wait.
/// </summary>
public sealed class ContainerPostgresServer : IPostgresServer
{
    /// <summary>The image when <c>PGSEED_TEST_POSTGRES_IMAGE</c> is not set.</summary>
    public const string DefaultImage = "postgres:17-alpine";

    /// <summary>Set to <c>1</c> to use Testcontainers' experimental reuse: the container outlives the test process and the next run with the same configuration takes it over.</summary>
    public const string ReuseVariable = "PGSEED_TEST_CONTAINER_REUSE";

    /// <summary>Seconds a container may take to start and become ready, image pull included (default 120).</summary>
    public const string TimeoutVariable = "PGSEED_TEST_CONTAINER_TIMEOUT";

    /// <summary>How long a container may take to start and become ready: <c>PGSEED_TEST_CONTAINER_TIMEOUT</c> seconds, default 120.</summary>
    internal static TimeSpan StartTimeout =>
        int.TryParse(Environment.GetEnvironmentVariable(TimeoutVariable), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0
            ? TimeSpan.FromSeconds(s)
            : TimeSpan.FromSeconds(120);

    /// <summary>Tests point the engine checks at another endpoint (e.g. one where no engine listens).</summary>
    internal static Func<DockerClient>? ClientOverride { get; set; }

    private static readonly TimeSpan EngineTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The tmpfs mount the data directory lives in (PGDATA is a directory below it, as initdb wants an empty one it can own).</summary>
    internal const string TmpfsRoot = "/var/lib/pgseed";
    private static readonly object SharedGate = new();
    private static readonly Dictionary<string, Task<ContainerPostgresServer>> Shared = new(StringComparer.Ordinal);

    private readonly PostgreSqlContainer _container;
    private readonly bool _shared;
    private int _disposed;

    private ContainerPostgresServer(PostgreSqlContainer container, string adminConnectionString, int majorVersion, string image, bool shared, TimeSpan started)
    {
        _container = container;
        AdminConnectionString = adminConnectionString;
        MajorVersion = majorVersion;
        Image = image;
        _shared = shared;
        StartTime = started;
    }

    /// <inheritdoc />
    public string AdminConnectionString { get; }

    /// <inheritdoc />
    public int MajorVersion { get; }

    /// <summary>The image the container runs.</summary>
    public string Image { get; }

    /// <summary>The container's id.</summary>
    public string ContainerId => _container.Id;

    /// <summary>How long starting the container took (engine check, pull if needed, start, ready).</summary>
    public TimeSpan StartTime { get; }

    /// <summary>The image from <c>PGSEED_TEST_POSTGRES_IMAGE</c>, else <see cref="DefaultImage"/>.</summary>
    internal static string EnvironmentImage =>
        Environment.GetEnvironmentVariable(TestServers.ImageVariable) is { Length: > 0 } image ? image.Trim() : DefaultImage;

    /// <summary>
    /// The container every fixture of this test process shares, with the environment's image; started on first use,
    /// removed at process exit. What <c>PGSEED_TEST_SERVER=container</c> (or <c>auto</c> without local binaries) uses:
    /// PgSeed.Testing.Core calls it by reflection (it does not reference Docker libraries), so keep its name and signature.
    /// </summary>
    internal static async Task<IPostgresServer> GetSharedAsync(CancellationToken cancellationToken) =>
        await GetSharedAsync(null, null, cancellationToken).ConfigureAwait(false);

    /// <summary>The shared container for an image and builder customisation (one container per distinct pair).</summary>
    internal static Task<ContainerPostgresServer> GetSharedAsync(string? image, Func<PostgreSqlBuilder, PostgreSqlBuilder>? configure, CancellationToken cancellationToken)
    {
        image ??= EnvironmentImage;
        var key = image + "|" + (configure is null ? "" : $"{configure.Method.DeclaringType?.AssemblyQualifiedName}.{configure.Method.Name}");
        lock (SharedGate)
        {
            if (!Shared.TryGetValue(key, out var start) || start.IsFaulted || start.IsCanceled)
                Shared[key] = start = StartCoreAsync(image, configure, shared: true, CancellationToken.None);
            return start.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Starts a container of your own (the caller disposes it, which removes the container).</summary>
    public static Task<ContainerPostgresServer> StartAsync(string? image = null, Func<PostgreSqlBuilder, PostgreSqlBuilder>? configure = null,
        CancellationToken cancellationToken = default) =>
        StartCoreAsync(image ?? EnvironmentImage, configure, shared: false, cancellationToken);

    /// <summary>
    /// Null when a Docker engine answers; otherwise why not (for the server choice and for skipping tests). Called by
    /// reflection from PgSeed.Testing.Core like <see cref="GetSharedAsync(CancellationToken)"/>.
    /// </summary>
    internal static async Task<string?> ProbeEngineAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = CreateClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(EngineTimeout);
            await client.System.PingAsync(timeout.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no Docker engine answered within {EngineTimeout.TotalSeconds:0} s ({EndpointDescription()})";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return $"no Docker engine answers ({EndpointDescription()}: {FirstLine(e.Message)})";
        }
    }

    private static async Task<ContainerPostgresServer> StartCoreAsync(string image, Func<PostgreSqlBuilder, PostgreSqlBuilder>? configure, bool shared,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var startTimeout = StartTimeout;
        if (await ProbeEngineAsync(cancellationToken).ConfigureAwait(false) is { } noEngine)
            throw new PgSeedException(TestingErrorCode.ContainerServerFailed,
                $"Cannot start a PostgreSQL container: {noEngine}. Start Docker (or point DOCKER_HOST at a running engine), " +
                $"or use another server: {TestServers.ServerVariable}=local (PostgreSQL binaries on this machine) or {TestServers.ConnectionVariable}=<a server you run>.");
        var reuse = Environment.GetEnvironmentVariable(ReuseVariable) is "1" or "true" or "yes";
        if (!reuse) await ContainerReaper.ReapAbandonedAsync(CreateClient, cancellationToken).ConfigureAwait(false);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(startTimeout);
        PostgreSqlContainer container;
        for (var attempt = 1; ; attempt++)
        {
            container = Build(image, configure, reuse);
            try
            {
                await container.StartAsync(timeout.Token).ConfigureAwait(false);
                break;
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                // The caller cancelled: nothing owns the container yet, so remove it here.
                await RemoveQuietlyAsync(container).ConfigureAwait(false);
                throw;
            }
            catch (Exception e)
            {
                var logs = await TailLogsAsync(container).ConfigureAwait(false);
                await RemoveQuietlyAsync(container).ConfigureAwait(false);
                // The engine picks the host port; another process (a local test cluster, another container) can take it
                // between that pick and the bind. Nothing of ours is wrong then: start again on another port.
                if (attempt < 3 && IsPortTaken(e) && !timeout.IsCancellationRequested) continue;
                var why = e is OperationCanceledException or TimeoutException
                    ? $"it did not become ready within {startTimeout.TotalSeconds:0} s ({TimeoutVariable} sets the limit)"
                    : IsImageProblem(e) ? $"the image {image} cannot be pulled or found ({FirstLine(e.Message)})" : FirstLine(e.Message);
                throw new PgSeedException(TestingErrorCode.ContainerServerFailed,
                    $"The PostgreSQL container ({image}) did not start: {why}. Set {TestServers.ImageVariable} to an image this machine has or can pull " +
                    $"(docker images lists them), or use another server: {TestServers.ServerVariable}=local or {TestServers.ConnectionVariable}." + logs, e);
            }
        }

        string admin;
        int major;
        try
        {
            var port = container.GetMappedPublicPort(PostgreSqlBuilder.PostgreSqlPort);
            admin = new NpgsqlConnectionStringBuilder
            {
                Host = container.Hostname,
                Port = port,
                Username = "postgres",
                Password = "pgseed",
                Database = "postgres",
                IncludeErrorDetail = true,
                MaxPoolSize = 50,
            }.ConnectionString;
            var connection = new NpgsqlConnection(admin);
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync(timeout.Token).ConfigureAwait(false);
                major = connection.PostgreSqlVersion.Major;
            }
        }
        catch (Exception e)
        {
            await RemoveQuietlyAsync(container).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested) throw;
            throw new PgSeedException(TestingErrorCode.ContainerServerFailed,
                $"The PostgreSQL container ({image}) started, but its port {PostgreSqlBuilder.PostgreSqlPort} could not be reached from the tests: " +
                $"{FirstLine(ConnectionResolver.Redact(e.Message))}. Check that the engine maps ports to this host " +
                "(TESTCONTAINERS_HOST_OVERRIDE names the host to reach them on), or use the local server (PGSEED_TEST_SERVER=local).", e);
        }

        var server = new ContainerPostgresServer(container, admin, major, image, shared, clock.Elapsed);
        if (shared && !reuse) AppDomain.CurrentDomain.ProcessExit += (_, _) => server.RemoveAtExit();
        return server;
    }

    /// <summary>What the fixture log shows.</summary>
    public override string ToString() =>
        $"container {Image} ({ContainerId[..Math.Min(12, ContainerId.Length)]}, PostgreSQL {MajorVersion}, started in {StartTime.TotalMilliseconds:0} ms)";

    /// <summary>Removes the container (a shared one only at process exit: fixtures come and go, the container stays).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_shared) return;
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        NpgsqlConnection.ClearPool(new NpgsqlConnection(AdminConnectionString));
        await _container.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>At process exit, one forced remove (kill and delete in a single engine call: a graceful stop would take seconds).</summary>
    private void RemoveAtExit()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        try
        {
            using var client = CreateClient();
            client.Containers.RemoveContainerAsync(ContainerId, new Docker.DotNet.Models.ContainerRemoveParameters { Force = true, RemoveVolumes = true })
                .Wait(TimeSpan.FromSeconds(10));
        }
        catch (Exception) { /* at exit: the next run reaps what is left */ }
    }

    internal static DockerClient CreateClient() =>
        ClientOverride?.Invoke() ?? TestcontainersSettings.OS.DockerEndpointAuthConfig.GetDockerClientBuilder(Guid.NewGuid()).Build();

    private static string EndpointDescription()
    {
        if (ClientOverride is not null) return "the endpoint set by the test";
        try { return $"endpoint {TestcontainersSettings.OS.DockerEndpointAuthConfig.Endpoint}"; }
        catch (Exception) { return "no endpoint configured: DOCKER_HOST is " + (Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "not set"); }
    }

    private static PostgreSqlContainer Build(string image, Func<PostgreSqlBuilder, PostgreSqlBuilder>? configure, bool reuse)
    {
        var builder = new PostgreSqlBuilder(image)
            .WithUsername("postgres")
            .WithPassword("pgseed")
            .WithDatabase("postgres")
            // Throwaway data in memory: initdb and every write skip the container's copy-on-write layer (first start
            // ~0.8 s faster here). The image's entrypoint honours PGDATA; a configure callback may set it back.
            .WithTmpfsMount(TmpfsRoot)
            .WithEnvironment("PGDATA", TmpfsRoot + "/data")
            .WithEnvironment("POSTGRES_INITDB_ARGS", "--no-sync")
            // Throwaway data: durability off, like the local clusters; room for a pool of clones per fixture.
            .WithCommand("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=300")
            // Ready when a client can connect over the mapped port (the image's first-run server listens on no TCP port, so
            // this is the final server), checked every 100 ms: the default pg_isready exec every second costs ~1 s a start.
            .WithWaitStrategy(Wait.ForUnixContainer().UntilDatabaseIsAvailable(NpgsqlFactory.Instance, o => o.WithInterval(TimeSpan.FromMilliseconds(100))));
        builder = reuse
            ? builder.WithReuse(true).WithLabel(ContainerReaper.ReuseLabel, "1")
            : builder.WithLabel(ContainerReaper.Labels()).WithCleanUp(true);
        if (configure is not null) builder = configure(builder);
        return builder.Build();
    }

    /// <summary>The engine could not bind the container's host port: "port is already allocated" / "address already in use".</summary>
    internal static bool IsPortTaken(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x.Message.Contains("port is already allocated", StringComparison.OrdinalIgnoreCase)
                || x.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
                return true;
        return false;
    }

    private static bool IsImageProblem(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x.Message.Contains("pull", StringComparison.OrdinalIgnoreCase) || x.Message.Contains("No such image", StringComparison.OrdinalIgnoreCase)
                || x.Message.Contains("manifest", StringComparison.OrdinalIgnoreCase) || x.Message.Contains("repository", StringComparison.OrdinalIgnoreCase))
                return true;
        return false;
    }

    private static async Task<string> TailLogsAsync(PostgreSqlContainer container)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var (stdout, stderr) = await container.GetLogsAsync(ct: timeout.Token).ConfigureAwait(false);
            var lines = (stdout + stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(10).ToArray();
            return lines.Length == 0 ? "" : "\nLast container log lines:\n" + string.Join('\n', lines);
        }
        catch (Exception)
        {
            return "";
        }
    }

    /// <summary>Removes a container that failed to start; Testcontainers does not always remove one whose start was cancelled.</summary>
    private static async Task RemoveQuietlyAsync(PostgreSqlContainer container)
    {
        string? id = null;
        try { id = container.Id; } catch (Exception) { /* not created */ }
        try { await container.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(false); }
        catch (Exception) { /* never started, or the engine is gone */ }
        if (string.IsNullOrEmpty(id)) return;
        try
        {
            using var client = CreateClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await client.Containers.RemoveContainerAsync(id, new Docker.DotNet.Models.ContainerRemoveParameters { Force = true, RemoveVolumes = true }, timeout.Token)
                .ConfigureAwait(false);
        }
        catch (Exception) { /* already gone; or the next run reaps it */ }
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
