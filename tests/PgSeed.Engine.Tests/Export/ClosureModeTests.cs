using Npgsql;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Tests.Infrastructure;
using PgSeed.Testing.Servers;

namespace PgSeed.Engine.Tests.Export;

/// <summary>
/// The closure that writes nothing on the server (<see cref="ClosureMode.Client"/>): chosen on its own on a real hot
/// standby and for a role with only SELECT and CONNECT, on one snapshot with parallel workers too, and writing the same
/// bytes as the server closure. (Every ExportScenario case also runs in both modes: see <see cref="ClosureModes"/>.)
/// </summary>
public sealed class ClosureModeTests(PostgresFixture pg, StreamingReplica replica) : IClassFixture<StreamingReplica>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ExportRequest Request(string connectionString, string folder, int parallel = 2) => new()
    {
        ConnectionString = connectionString,
        Roots = [new RootSelection { Table = "company", Filter = "where id = 1" }, new RootSelection { Table = "country" }],
        OutputDirectory = folder,
        Parallel = parallel,
        SeedName = "company-1",
    };

    private static string Folder() => Path.Combine(Path.GetTempPath(), "pgseed-closure-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task A_role_with_only_select_and_connect_exports_with_the_client_closure_and_the_same_bytes()
    {
        await using var role = await TestRole.CreateAsync(pg.Server);
        await using var db = await pg.CreateDatabaseAsync(IntegritySchemas.CompanySchema + ";\n" + IntegritySchemas.CompanyData);
        await db.ExecuteAsync($"""
            revoke all on database "{db.Name}" from public;
            grant connect on database "{db.Name}" to "{role.Name}";
            grant select on all tables in schema public to "{role.Name}";
            """);
        var (owner, reader) = (Folder(), Folder());
        try
        {
            var server = await SeedExporter.ExportAsync(Request(db.ConnectionString, owner), null, Ct);
            Assert.Equal(ClosureMode.Server, server.Closure);

            var log = new RecordingSeedLog();
            var client = await SeedExporter.ExportAsync(Request(role.ConnectionStringFor(db), reader), log, Ct);

            Assert.Equal(ClosureMode.Client, client.Closure);
            Assert.Contains($"role {role.Name} lacks TEMPORARY", client.ClosureReason);
            Assert.Contains(log.Of("detail"), l => l.StartsWith("closure: client (role ", StringComparison.Ordinal));
            Assert.Contains(log.Of("detail"), l => l.Contains("connections sharing one snapshot", StringComparison.Ordinal));
            ClosureModes.AssertSameFiles(owner, reader, "server closure (owner) and client closure (read-only role)");
        }
        finally
        {
            foreach (var f in new[] { owner, reader }) if (Directory.Exists(f)) Directory.Delete(f, true);
        }
    }

    /// <summary>A new database on the primary with the company schema and rows, replayed on the standby: its name and the primary's connection string.</summary>
    private async Task<(string Database, string Primary)> CompanyOnTheStandbyAsync()
    {
        var database = "standby_" + Guid.NewGuid().ToString("N")[..8];
        await replica.Primary.CreateDatabaseAsync(database, cancellationToken: Ct);
        var primary = new NpgsqlConnectionStringBuilder(replica.Primary.AdminConnectionString) { Database = database, Pooling = false }.ConnectionString;
        await using (var c = new NpgsqlConnection(primary))
        {
            await c.OpenAsync(Ct);
            await using var cmd = new NpgsqlCommand(IntegritySchemas.CompanySchema + ";\n" + IntegritySchemas.CompanyData, c);
            await cmd.ExecuteNonQueryAsync(Ct);
        }
        await replica.CatchUpAsync(database);
        return (database, primary);
    }

    [Fact]
    public async Task A_hot_standby_exports_with_the_client_closure_on_one_snapshot_and_the_same_bytes()
    {
        Assert.SkipWhen(replica.Unavailable is not null, replica.Unavailable ?? "");
        var (database, primary) = await CompanyOnTheStandbyAsync();
        var standby = replica.StandbyConnectionString(database);
        var (onPrimary, onStandby) = (Folder(), Folder());
        try
        {
            var server = await SeedExporter.ExportAsync(Request(primary, onPrimary), null, Ct);
            Assert.Equal(ClosureMode.Server, server.Closure);

            var log = new RecordingSeedLog();
            var client = await SeedExporter.ExportAsync(Request(standby, onStandby), log, Ct);

            Assert.Equal(ClosureMode.Client, client.Closure);
            Assert.Contains("standby", client.ClosureReason);
            // pg_export_snapshot() works on a standby: the worker and pg_dump (schema.sql) read the same snapshot.
            Assert.Contains(log.Of("detail"), l => l.Contains("2 connections sharing one snapshot", StringComparison.Ordinal));
            Assert.DoesNotContain(log.Lines, l => l.Level == "warning" && !l.Text.StartsWith(ErrorCode.PersonalData, StringComparison.Ordinal));
            ClosureModes.AssertSameFiles(onPrimary, onStandby, "primary (server closure) and standby (client closure)");

            var refused = await Assert.ThrowsAsync<PgSeedException>(() =>
                SeedExporter.ExportAsync(Request(standby, Folder()) with { Closure = ClosureMode.Server }, null, Ct));
            Assert.Equal(ErrorCode.ServerClosureOnStandby, refused.Code);
            Assert.Contains("ExportRequest.Closure = Client", refused.Message);
        }
        finally
        {
            foreach (var f in new[] { onPrimary, onStandby }) if (Directory.Exists(f)) Directory.Delete(f, true);
        }
    }

    [Fact]
    public async Task Copy_from_a_hot_standby_into_another_server_loads_the_subset()
    {
        Assert.SkipWhen(replica.Unavailable is not null, replica.Unavailable ?? "");
        var (database, primary) = await CompanyOnTheStandbyAsync();
        await using var target = await pg.CreateDatabaseAsync(IntegritySchemas.CompanySchema);

        var report = await Engine.Copy.DatabaseCopier.CopyAsync(new Engine.Copy.CopyRequest
        {
            Source = Request(replica.StandbyConnectionString(database), "") with { SeedName = null },
            TargetConnectionString = target.ConnectionString,
            Parallel = 3,
        }, null, Ct);

        Assert.Equal(ClosureMode.Client, report.Closure);
        var expected = await ClosureOracle.ComputeAsync(primary, [("company", "where id = 1"), ("country", null)]);
        var actual = await ClosureOracle.ReadAllAsync(target.ConnectionString);
        foreach (var (table, rows) in expected)
            Assert.True(rows.SetEquals(actual.GetValueOrDefault(table) ?? []), table);
    }

    [Fact]
    public async Task More_keys_than_the_limit_is_PGSEED027_with_the_figure_and_no_seed()
    {
        await using var db = await pg.CreateDatabaseAsync(IntegritySchemas.CompanySchema + ";\n" + IntegritySchemas.CompanyData);
        var folder = Folder();
        var e = await Assert.ThrowsAsync<PgSeedException>(() =>
            SeedExporter.ExportAsync(Request(db.ConnectionString, folder) with { Closure = ClosureMode.Client, ClosureKeyLimit = 5 }, null, Ct));
        Assert.Equal(ErrorCode.ClosureKeyLimit, e.Code);
        Assert.Contains("more than 5 row keys", e.Message);
        Assert.Contains("ExportRequest.ClosureKeyLimit", e.Message);
        Assert.NotNull(e.Table);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task The_client_closure_writes_nothing_on_the_server()
    {
        await using var db = await pg.CreateDatabaseAsync(IntegritySchemas.CompanySchema + ";\n" + IntegritySchemas.CompanyData);
        var folder = Folder();
        try
        {
            var log = new RecordingSeedLog();
            await SeedExporter.ExportAsync(Request(db.ConnectionString, folder) with { Closure = ClosureMode.Client }, log, Ct);
            var sql = log.Of("sql").ToList();
            Assert.DoesNotContain(sql, q => q.Contains("CREATE TEMP", StringComparison.OrdinalIgnoreCase) || q.StartsWith("INSERT", StringComparison.Ordinal)
                                            || q.StartsWith("ANALYZE", StringComparison.Ordinal));
            Assert.Contains(sql, q => q.StartsWith("SELECT", StringComparison.Ordinal) && q.Contains("::text[]", StringComparison.Ordinal));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, true);
        }
    }
}
