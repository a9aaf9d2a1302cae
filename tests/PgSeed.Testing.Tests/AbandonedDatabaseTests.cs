using Npgsql;
using PgSeed.Testing.Servers;

namespace PgSeed.Testing.Tests;

/// <summary>
/// A test process killed on a server that outlives it (PGSEED_TEST_CONNECTION, a reused container) leaves its clones and
/// templates behind; the next process that uses the server drops them, and only them: not databases of processes still
/// running, not kept databases of failed tests.
/// </summary>
public sealed class AbandonedDatabaseTests
{
    [Fact]
    public async Task The_next_run_drops_what_an_ended_process_left_and_nothing_else()
    {
        var cancel = TestContext.Current.CancellationToken;
        var shared = await SharedServer.GetAsync(cancel);
        const string gone = "0badc0de", alive = "0a11fe00";
        string[] abandoned = [$"pgseed_{gone}_1_abcdef", $"pgseed_tpl_0123456789abcdef_{gone}"];
        string[] spared = [$"pgseed_{gone}_2_abcdef_failed1", $"pgseed_{alive}_1_abcdef"];
        foreach (var name in abandoned.Concat(spared)) await shared.CreateDatabaseAsync(name, cancellationToken: cancel);

        // A process that is still running holds its token's lock.
        await using var living = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(shared.AdminConnectionString) { Pooling = false }.ConnectionString);
        await living.OpenAsync(cancel);
        await new NpgsqlCommand($"SELECT pg_advisory_lock({0x50475344}, {int.Parse(alive, System.Globalization.NumberStyles.HexNumber)})", living).ExecuteScalarAsync(cancel);
        try
        {
            var log = new List<string>();
            var server = await ExistingPostgresServer.ConnectAsync(shared.AdminConnectionString, cancel); // "the next run"
            await using (var db = new PgSeedDatabase(o => o.Schema("db/shop-schema.sql").Server(server).Log(log.Add)))
                await db.InitializeAsync(cancel);

            Assert.Empty(await ExistingAsync(shared, abandoned));
            Assert.Equal(spared.Order(), (await ExistingAsync(shared, spared)).Order());
            Assert.Contains(log, l => l.Contains($"dropped pgseed_{gone}_1_abcdef", StringComparison.Ordinal));
        }
        finally
        {
            foreach (var name in abandoned.Concat(spared)) await shared.DropDatabaseAsync(name, CancellationToken.None);
        }
    }

    private static async Task<List<string>> ExistingAsync(IPostgresServer server, string[] names)
    {
        await using var c = new NpgsqlConnection(server.AdminConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname = ANY($1)", c) { Parameters = { new() { Value = names } } };
        var found = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) found.Add(r.GetString(0));
        return found;
    }
}
