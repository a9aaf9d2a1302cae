using Npgsql;
using PgSeed.Testing.Servers;

namespace PgSeed.Bench;

internal static class BenchConnections
{
    /// <summary>
    /// The connection string every contender uses. <c>Command Timeout=0</c>: statements over millions of
    /// rows run longer than Npgsql's default 30 s on a loaded machine, and a benchmark must not fail on that.
    /// </summary>
    public static string For(LocalPostgresServer server, string database) =>
        new NpgsqlConnectionStringBuilder(server.ConnectionStringFor(database)) { CommandTimeout = 0 }.ConnectionString;
}
