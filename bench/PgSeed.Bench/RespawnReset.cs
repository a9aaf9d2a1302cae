using System.Diagnostics;
using Npgsql;
using Respawn;

namespace PgSeed.Bench;

/// <summary>
/// What Respawn users do between tests, with the real package (Respawn 7.0.0): a <see cref="Respawner"/> built
/// once for the database, then per test <see cref="Respawner.ResetAsync"/> (one <c>TRUNCATE ... CASCADE</c> of
/// every table, sequences restarted with <c>WithReseed</c>) followed by the seed script that built the seed. The
/// script is the cheapest re-insert there is (server-side <c>INSERT ... SELECT generate_series</c>, no rows sent
/// from the client), with FK checks on as in any ordinary session.
/// </summary>
internal sealed class RespawnReset
{
    private readonly string _connectionString;
    private readonly string _seedScript;
    private Respawner? _respawner;

    public RespawnReset(string connectionString, string seedScript)
    {
        _connectionString = connectionString;
        _seedScript = seedScript;
    }

    /// <summary>Milliseconds of the last <see cref="Respawner.ResetAsync"/> alone (to empty), without the seed re-insert.</summary>
    public double LastWipeMilliseconds { get; private set; }

    /// <summary>Respawn's documented set-up: once, after the schema exists.</summary>
    public async Task InitializeAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        _respawner = await Respawner.CreateAsync(connection, new RespawnerOptions
        {
            DbAdapter = DbAdapter.Postgres,
            SchemasToInclude = ["public"],
            // Serial columns back to 1, so the seed script's rows get the seeded ids again (Respawn's answer to its
            // issues #141/#147); without it the re-inserted seed's FK values would point at the wrong rows.
            WithReseed = true,
        });
    }

    public async Task ResetAsync()
    {
        var respawner = _respawner ?? throw new InvalidOperationException("InitializeAsync first");
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        var watch = Stopwatch.StartNew();
        await respawner.ResetAsync(connection);
        LastWipeMilliseconds = watch.Elapsed.TotalMilliseconds;
        await using var seed = new NpgsqlCommand(_seedScript, connection) { CommandTimeout = 0 };
        await seed.ExecuteNonQueryAsync();
    }
}
