using Npgsql;
using PgSeed.Testing.Servers;

namespace PgSeed.Testing.Tests.Infrastructure;

/// <summary>
/// The test shop (db/shop-schema.sql + db/shop-data.sql) with one reset strategy, leasing a database per test or (when
/// <paramref name="single"/>) sharing one; records the seeded state. Progress lines are collected, not printed.
/// </summary>
public abstract class ShopDatabase(ResetStrategy strategy, bool single = false) : PgSeedFixture
{
    private readonly List<string> _log = new();

    public DatabaseState Seeded { get; private set; } = null!;

    /// <summary>What the fixture logged (server choice, template build, failure reports, kept databases).</summary>
    public IReadOnlyList<string> LogLines { get { lock (_log) return _log.ToArray(); } }

    protected override void Configure(PgSeedOptions options)
    {
        options.Schema("db/shop-schema.sql").Schema("db/shop-data.sql").ResetStrategy(strategy).Log(line => { lock (_log) _log.Add(line); });
        if (single) options.SingleDatabase();
    }

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

/// <summary>Change capture with one database shared by the tests (the mode before leases).</summary>
public sealed class SingleChangeCaptureShop() : ShopDatabase(ResetStrategy.ChangeCapture, single: true);

public sealed class SingleCloneShop() : ShopDatabase(ResetStrategy.CloneFromTemplate, single: true);

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
