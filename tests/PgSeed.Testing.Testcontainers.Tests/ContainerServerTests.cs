using System.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;
using Npgsql;
using PgSeed.Engine.Diagnostics;
using PgSeed.Testing.Servers;

namespace PgSeed.Testing.Testcontainers.Tests;

[Collection(ContainerCollection.Name)]
public sealed class ContainerServerTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private sealed class ContainerShop(Action<PgSeedOptions> server, List<string> log) : PgSeedDatabase
    {
        protected override void Configure(PgSeedOptions o)
        {
            o.Schema("db/shop-schema.sql").Schema("db/shop-data.sql").Log(line => { lock (log) log.Add(line); });
            server(o);
        }
    }

    [Fact]
    public async Task Fixtures_share_one_container_with_templates_clones_and_leases_inside()
    {
        await DockerEngine.RequireAsync();
        var log = new List<string>();
        await using var a = new ContainerShop(o => o.UseContainer(), log);
        await using var b = new ContainerShop(o => o.UseContainer(), log);
        var clock = Stopwatch.StartNew();
        await a.InitializeAsync(Cancel);
        var first = clock.Elapsed;
        clock.Restart();
        await b.InitializeAsync(Cancel);
        var second = clock.Elapsed;

        var server = Assert.IsType<ContainerPostgresServer>(a.Server);
        Assert.Same(server, b.Server); // one container per test process
        Assert.Equal(ContainerPostgresServer.EnvironmentImage, server.Image);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"container start {server.StartTime.TotalMilliseconds:0} ms; first fixture ready in {first.TotalMilliseconds:0} ms, second in {second.TotalMilliseconds:0} ms");
        Assert.True(second < first, "the second fixture reuses the started container and its template");

        await using (var la = await a.LeaseAsync(Cancel))
        await using (var lb = await b.LeaseAsync(Cancel))
        {
            await using (var c = await la.OpenConnectionAsync(Cancel))
                await new NpgsqlCommand("UPDATE shop.customer SET name = 'from a' WHERE id = 1", c).ExecuteNonQueryAsync(Cancel);
            await using (var c = await lb.OpenConnectionAsync(Cancel))
                Assert.Equal("Ada", await new NpgsqlCommand("SELECT name FROM shop.customer WHERE id = 1", c).ExecuteScalarAsync(Cancel));
            Assert.Equal(ResetOutcome.Restored, await la.ResetAsync(Cancel));
            await using (var c = await la.OpenConnectionAsync(Cancel))
                Assert.Equal("Ada", await new NpgsqlCommand("SELECT name FROM shop.customer WHERE id = 1", c).ExecuteScalarAsync(Cancel));
        }

        // The container is shared: disposing a fixture leaves it running for the others.
        await b.DisposeAsync();
        await using var admin = new NpgsqlConnection(server.AdminConnectionString);
        await admin.OpenAsync(Cancel);
        Assert.Contains("ready in", string.Join("\n", log));
        // Throwaway data in memory (tmpfs), not in the container's copy-on-write layer.
        Assert.StartsWith(ContainerPostgresServer.TmpfsRoot + "/", (string)(await new NpgsqlCommand("SHOW data_directory", admin).ExecuteScalarAsync(Cancel))!);
    }

    [Fact]
    public async Task Test_server_variable_selects_the_container()
    {
        await DockerEngine.RequireAsync();
        var before = Environment.GetEnvironmentVariable(TestServers.ServerVariable);
        Environment.SetEnvironmentVariable(TestServers.ServerVariable, "container");
        try
        {
            var server = await TestServers.StartAsync(Cancel);
            Assert.IsType<ContainerPostgresServer>(server);
            Assert.Same(server, await ContainerPostgresServer.GetSharedAsync(Cancel));
            await server.DisposeAsync(); // shared: stays up until the process exits
            await using var c = new NpgsqlConnection(server.AdminConnectionString);
            await c.OpenAsync(Cancel);
            Assert.True(server.MajorVersion >= 13);
        }
        finally
        {
            Environment.SetEnvironmentVariable(TestServers.ServerVariable, before);
        }
    }

    [Fact]
    public async Task An_image_that_cannot_be_pulled_is_a_clear_error_in_bounded_time()
    {
        await DockerEngine.RequireAsync();
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<PgSeedException>(() =>
            ContainerPostgresServer.StartAsync("pgseed-local/no-such-image:0", cancellationToken: Cancel));
        Assert.Equal(TestingErrorCode.ContainerServerFailed, e.Code);
        Assert.Contains("pgseed-local/no-such-image:0", e.Message);
        Assert.Contains(TestServers.ImageVariable, e.Message);
        Assert.Contains("PGSEED_TEST_SERVER=local", e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_container_that_never_becomes_ready_times_out_with_a_clear_error()
    {
        await DockerEngine.RequireAsync();
        var before = Environment.GetEnvironmentVariable(ContainerPostgresServer.TimeoutVariable);
        Environment.SetEnvironmentVariable(ContainerPostgresServer.TimeoutVariable, "6");
        try
        {
            var clock = Stopwatch.StartNew();
            var e = await Assert.ThrowsAsync<PgSeedException>(() => ContainerPostgresServer.StartAsync(
                // A container that runs but never serves: sh ignores the server arguments the builder appends
                // (as "sleep 600 -c fsync=off ..." it would exit at once, and the wait would fail differently).
                configure: b => b.WithEntrypoint("sh", "-c", "sleep 600"), cancellationToken: Cancel));
            Assert.Equal(TestingErrorCode.ContainerServerFailed, e.Code);
            Assert.True(e.Message.Contains("did not become ready within 6 s", StringComparison.Ordinal), e.ToString()); // the whole message when it fails
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(45), $"took {clock.Elapsed}");
            Assert.Empty(await PgSeedContainersAsync(c => c.Command.Contains("sleep 600", StringComparison.Ordinal)));
        }
        finally
        {
            Environment.SetEnvironmentVariable(ContainerPostgresServer.TimeoutVariable, before);
        }
    }

    [Fact]
    public void A_host_port_taken_between_the_engines_pick_and_its_bind_is_retried_and_nothing_else_is()
    {
        // What the engine answers when another process (a local test cluster, another container) took the port first.
        var taken = new DockerApiException(System.Net.HttpStatusCode.InternalServerError,
            "{\"message\":\"driver failed programming external connectivity on endpoint x: Bind for 0.0.0.0:32771 failed: port is already allocated\"}");
        Assert.True(ContainerPostgresServer.IsPortTaken(new InvalidOperationException("start failed", taken)));
        Assert.True(ContainerPostgresServer.IsPortTaken(new Exception("listen tcp4 0.0.0.0:32771: bind: address already in use")));
        Assert.False(ContainerPostgresServer.IsPortTaken(new Exception("No such image: pgseed-local/no-such-image:0")));
        Assert.False(ContainerPostgresServer.IsPortTaken(new TimeoutException()));
    }

    [Fact]
    public async Task No_engine_is_a_clear_error_naming_the_ways_out()
    {
        var probe = await ProbeWithEndpointAsync("unix:///tmp/pgseed-no-docker-here.sock");
        Assert.NotNull(probe);
        Assert.Contains("no Docker engine", probe);

        ContainerPostgresServer.ClientOverride = () => new DockerClientBuilder().WithEndpoint(new Uri("unix:///tmp/pgseed-no-docker-here.sock")).Build();
        try
        {
            var clock = Stopwatch.StartNew();
            var e = await Assert.ThrowsAsync<PgSeedException>(() => ContainerPostgresServer.StartAsync(cancellationToken: Cancel));
            Assert.Equal(TestingErrorCode.ContainerServerFailed, e.Code);
            Assert.Contains("Start Docker", e.Message);
            Assert.Contains("PGSEED_TEST_SERVER=local", e.Message);
            Assert.Contains(TestServers.ConnectionVariable, e.Message);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        }
        finally
        {
            ContainerPostgresServer.ClientOverride = null;
        }
    }

    [Fact]
    public async Task Containers_of_a_killed_test_process_are_removed_by_the_next_run()
    {
        await DockerEngine.RequireAsync();
        using var client = ContainerPostgresServer.CreateClient();
        var labels = new Dictionary<string, string>(ContainerReaper.Labels());
        var mine = labels.ToDictionary();
        labels["org.pgseed.owner.pid"] = "999999"; // a process that is gone
        labels["org.pgseed.owner.start"] = "1";
        var orphan = await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = ContainerPostgresServer.EnvironmentImage, Labels = labels, Entrypoint = ["sleep", "600"],
        }, Cancel);
        var alive = await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = ContainerPostgresServer.EnvironmentImage, Labels = mine, Entrypoint = ["sleep", "600"],
        }, Cancel);
        try
        {
            await ContainerReaper.ReapAbandonedAsync(ContainerPostgresServer.CreateClient, Cancel);
            var left = (await PgSeedContainersAsync(_ => true)).Select(c => c.ID).ToList();
            Assert.DoesNotContain(orphan.ID, left);
            Assert.Contains(alive.ID, left); // its owner (this process) still runs
        }
        finally
        {
            await client.Containers.RemoveContainerAsync(alive.ID, new ContainerRemoveParameters { Force = true }, CancellationToken.None);
        }
    }

    private static async Task<string?> ProbeWithEndpointAsync(string endpoint)
    {
        ContainerPostgresServer.ClientOverride = () => new DockerClientBuilder().WithEndpoint(new Uri(endpoint)).Build();
        try { return await ContainerPostgresServer.ProbeEngineAsync(Cancel); }
        finally { ContainerPostgresServer.ClientOverride = null; }
    }

    private static async Task<IList<ContainerListResponse>> PgSeedContainersAsync(Func<ContainerListResponse, bool> where)
    {
        using var client = ContainerPostgresServer.CreateClient();
        var all = await client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{ContainerReaper.Label}=1"] = true } },
        }, Cancel);
        return all.Where(where).ToList();
    }
}
