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

    /// <summary>The fixture's role cannot set session_replication_role, so its change-capture resets keep FK checks on.</summary>
    public virtual bool FkChecksStayOn => false;

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

    public override bool FkChecksStayOn => true;

    protected override void Configure(PgSeedOptions options)
    {
        base.Configure(options);
        options.Server(ct => OrdinaryRole.ServerAsync(Role, grantReplica: false, ct));
    }
}

/// <summary>
/// Change capture as an ordinary role granted <c>SET</c> on <c>session_replication_role</c> (PostgreSQL 15+), which is
/// all the replica-mode reset needs; before 15 the grant does not exist and the role is an ordinary one.
/// </summary>
public sealed class ReplicaRoleChangeCaptureShop() : ShopDatabase(ResetStrategy.ChangeCapture)
{
    public const string Role = "pgseed_replica_app";

    public override bool FkChecksStayOn => Server.MajorVersion < 15;

    protected override void Configure(PgSeedOptions options)
    {
        base.Configure(options);
        options.Server(ct => OrdinaryRole.ServerAsync(Role, grantReplica: true, ct));
    }
}

/// <summary>A login role with CREATEDB on the shared server, and that server as the role sees it.</summary>
internal static class OrdinaryRole
{
    public static async Task<IPostgresServer> ServerAsync(string role, bool grantReplica, CancellationToken ct)
    {
        var shared = await SharedServer.GetAsync(ct);
        await using (var admin = new NpgsqlConnection(shared.AdminConnectionString))
        {
            await admin.OpenAsync(ct);
            var sql = $"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN CREATE ROLE {role} LOGIN CREATEDB PASSWORD '{role}'; END IF; END $$";
            if (grantReplica && shared.MajorVersion >= 15) sql += $"; GRANT SET ON PARAMETER session_replication_role TO {role}";
            await using var cmd = new NpgsqlCommand(sql, admin);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        // With a password too, so this also works against a PGSEED_TEST_CONNECTION server that does not trust local logins.
        var asRole = new NpgsqlConnectionStringBuilder(shared.AdminConnectionString) { Username = role, Password = role }.ConnectionString;
        return await ExistingPostgresServer.ConnectAsync(asRole, ct);
    }
}
