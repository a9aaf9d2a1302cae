using PgSeed.Engine.Catalog;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Tests.Versions;

/// <summary>
/// Servers older than 13 lack catalog columns PgSeed reads: refused up front with PGSEED007 (no such server can be run
/// here; the matrix runs 13, 15, 17 and 18, and every catalog read goes through this check).
/// </summary>
public class ServerFloorTests
{
    [Theory]
    [InlineData(9, "9.6.24")]
    [InlineData(12, "12.22")]
    public void A_server_older_than_13_is_PGSEED007_naming_its_version_and_the_supported_ones(int major, string version)
    {
        var e = Assert.Throws<PgSeedException>(() => ServerVersions.EnsureSupported(major, version));
        Assert.Equal(ErrorCode.ServerTooOld, e.Code);
        Assert.Contains($"PostgreSQL {version}", e.Message);
        Assert.Contains("14 to 18", e.Message);
    }

    [Theory]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(18)]
    [InlineData(19)]
    public void Servers_from_13_on_are_accepted(int major) => ServerVersions.EnsureSupported(major, $"{major}.0");
}
