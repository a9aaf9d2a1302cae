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

            // As in a test project without the PgSeed.Testing.Testcontainers package (this one references it for the
            // version matrix, so the discovery looks for an assembly that does not exist).
            Environment.SetEnvironmentVariable(TestServers.ServerVariable, "container");
            ContainerServerDiscovery.AssemblyName = "PgSeed.Testing.Testcontainers.NotReferenced";
            try
            {
                var container = await Assert.ThrowsAsync<PgSeedException>(() => TestServers.StartAsync(TestContext.Current.CancellationToken));
                Assert.Equal(TestingErrorCode.NoTestServer, container.Code);
                Assert.Contains("needs the PgSeed.Testing.Testcontainers package", container.Message);
            }
            finally
            {
                ContainerServerDiscovery.AssemblyName = "PgSeed.Testing.Testcontainers";
            }

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
    public void PGSEED_PG_MAJOR_picks_an_installed_major_and_lists_the_installed_ones_when_it_is_missing()
    {
        string dir;
        try { dir = PostgresBinaries.FindBinDirectory(); }
        catch (PgSeedException) { Assert.Skip("no PostgreSQL server binaries on this machine"); return; }
        var major = PostgresBinaries.ServerMajor(dir) ?? throw new InvalidOperationException($"{dir}/postgres --version");

        Assert.Equal(dir, PostgresBinaries.FindMajor(major, null));
        var missing = Assert.Throws<PgSeedException>(() => PostgresBinaries.FindMajor(99, null));
        Assert.Equal(ErrorCode.PostgresBinariesNotFound, missing.Code);
        Assert.Contains($"PGSEED_PG_MAJOR=99, but PostgreSQL 99's server binaries are not installed (installed: {major} ({dir})", missing.Message);
        Assert.Contains("apt-get install -y postgresql-99", missing.Message);

        Assert.Equal(17, PostgresBinaries.ParseMajor(" 17 "));
        Assert.Null(PostgresBinaries.ParseMajor(""));
        Assert.Contains("is not a PostgreSQL major version", Assert.Throws<PgSeedException>(() => PostgresBinaries.ParseMajor("latest")).Message);
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
