using Npgsql;
using PgSeed.Testing.Servers;

namespace PgSeed.Testing.Tests.Infrastructure;

/// <summary>The test shop (db/shop-schema.sql + db/shop-data.sql) with one reset strategy; records the seeded state.</summary>
public abstract class ShopDatabase(ResetStrategy strategy) : PgSeedFixture
{
    public DatabaseState Seeded { get; private set; } = null!;

    protected override void Configure(PgSeedOptions options) => options.Schema("db/shop-schema.sql").Schema("db/shop-data.sql").ResetStrategy(strategy);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        if (!UsesLeases)
        {
            Seeded = await DatabaseState.CaptureAsync(ConnectionString);
            return;
        }
        await using var lease = await LeaseForSetupAsync();
        Seeded = await DatabaseState.CaptureAsync(lease.ConnectionString);
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = await OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }
}

public sealed class ChangeCaptureShop() : ShopDatabase(ResetStrategy.ChangeCapture);

public sealed class CloneShop() : ShopDatabase(ResetStrategy.CloneFromTemplate);

public sealed class TruncateReloadShop() : ShopDatabase(ResetStrategy.TruncateAndReload);

/// <summary>
/// Change capture as an ordinary role: no session_replication_role (FK checks stay on during the reset)
/// and no event trigger (DDL found by the schema fingerprint).
/// </summary>
public sealed class NonSuperuserChangeCaptureShop() : ShopDatabase(ResetStrategy.ChangeCapture)
{
    public const string Role = "pgseed_app";

    protected override void Configure(PgSeedOptions options)
    {
        base.Configure(options);
        options.Server(async ct =>
        {
            var shared = await SharedServer.GetAsync(ct);
            await using (var admin = new NpgsqlConnection(shared.AdminConnectionString))
            {
                await admin.OpenAsync(ct);
                await using var cmd = new NpgsqlCommand(
                    $"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{Role}') THEN CREATE ROLE {Role} LOGIN CREATEDB PASSWORD '{Role}'; END IF; END $$", admin);
                await cmd.ExecuteNonQueryAsync(ct);
            }
            // With a password too, so this also works against a PGSEED_TEST_CONNECTION server that does not trust local logins.
            var asRole = new NpgsqlConnectionStringBuilder(shared.AdminConnectionString) { Username = Role, Password = Role }.ConnectionString;
            return await ExistingPostgresServer.ConnectAsync(asRole, ct);
        });
    }
}
