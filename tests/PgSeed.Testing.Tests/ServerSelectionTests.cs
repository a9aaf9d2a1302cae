using PgSeed.Engine.Diagnostics;
using PgSeed.Testing.Servers;

namespace PgSeed.Testing.Tests;

/// <summary>
/// PGSEED_TEST_SERVER picks the server kind. The shared server of this process is already running when these run (the
/// assembly fixture started it), so changing the variable here only affects the explicit <see cref="TestServers.StartAsync"/>.
/// </summary>
[Collection(KeepFailedTests.Serial)]
public sealed class ServerSelectionTests(AssemblyShop shop)
{
    [Fact]
    public async Task Unknown_kinds_and_missing_prerequisites_are_clear_errors()
    {
        var before = Environment.GetEnvironmentVariable(TestServers.ServerVariable);
        try
        {
            Environment.SetEnvironmentVariable(TestServers.ServerVariable, "docker");
            var unknown = await Assert.ThrowsAsync<PgSeedException>(() => TestServers.StartAsync(TestContext.Current.CancellationToken));
            Assert.Equal(TestingErrorCode.NoTestServer, unknown.Code);
            Assert.Contains("auto (default), local, container or existing", unknown.Message);

            // This test project does not reference PgSeed.Testing.Testcontainers.
            Environment.SetEnvironmentVariable(TestServers.ServerVariable, "container");
            var container = await Assert.ThrowsAsync<PgSeedException>(() => TestServers.StartAsync(TestContext.Current.CancellationToken));
            Assert.Equal(TestingErrorCode.NoTestServer, container.Code);
            Assert.Contains("PgSeed.Testing.Testcontainers", container.Message);

            if (Environment.GetEnvironmentVariable(TestServers.ConnectionVariable) is null)
            {
                Environment.SetEnvironmentVariable(TestServers.ServerVariable, "existing");
                var existing = await Assert.ThrowsAsync<PgSeedException>(() => TestServers.StartAsync(TestContext.Current.CancellationToken));
                Assert.Equal(TestingErrorCode.NoTestServer, existing.Code);
                Assert.Contains(TestServers.ConnectionVariable, existing.Message);
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable(TestServers.ServerVariable, before);
        }
    }

    [Fact]
    public void The_fixture_log_says_which_server_was_chosen_and_why()
    {
        var line = Assert.Single(shop.LogLines, l => l.Contains(" ready in ", StringComparison.Ordinal));
        Assert.Contains("server: ", line);
        Assert.Matches("(existing server|throwaway local cluster|container)", line);
        Assert.Contains("a database per test, leased from a pool of template clones", line);
    }
}
