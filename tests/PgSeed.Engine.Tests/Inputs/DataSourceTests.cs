using Npgsql;
using PgSeed.Engine.Copy;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Import;
using PgSeed.Engine.Tests.Infrastructure;
using PgSeed.Engine.Verify;
using PgSeed.Tests.Shared;

namespace PgSeed.Engine.Tests.Inputs;

/// <summary>
/// Requests take an <see cref="NpgsqlDataSource"/> instead of a connection string: the export's parallel sessions (one
/// snapshot), the import, the copy's target and the verify rehearsal all open from it, with its user and password.
/// </summary>
public class DataSourceTests(PostgresFixture pg, ITestOutputHelper output)
{
    private const string Schema = """
        create table country(code text primary key, name text not null);
        create table customer(id int primary key, country_code text not null references country, name text);
        create table orders(id int primary key, customer_id int not null references customer, note text);
        create table line(id int primary key, order_id int not null references orders, qty int not null);
        """;

    private const string Rows = """
        insert into country values ('DE','Germany'),('FR','France');
        insert into customer select g, case when g % 2 = 0 then 'DE' else 'FR' end, 'c' || g from generate_series(1, 20) g;
        insert into orders select g, 1 + g % 20, 'o' || g from generate_series(1, 60) g;
        insert into line select g, 1 + g % 60, g from generate_series(1, 120) g;
        """;

    private static ExportRequest Export(string dir, int parallel = 3) => new()
    {
        Roots = [new RootSelection { Table = "customer", Filter = "where id <= 10" }],
        OutputDirectory = dir,
        Parallel = parallel,
        PiiLint = false,
    };

    [Fact]
    public async Task Export_import_copy_and_verify_run_through_data_sources()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await pg.CreateDatabaseAsync(Schema + Rows);
        await using var target = await pg.CreateDatabaseAsync(Schema);
        await using var copyTarget = await pg.CreateDatabaseAsync(Schema);
        await using var sourceData = NpgsqlDataSource.Create(source.ConnectionString);
        await using var targetData = NpgsqlDataSource.Create(target.ConnectionString);
        await using var copyData = NpgsqlDataSource.Create(copyTarget.ConnectionString);
        var dir = TempDir();
        try
        {
            var log = new RecordingSeedLog();
            var report = await SeedExporter.ExportAsync(Export(dir) with { DataSource = sourceData }, log, ct);
            foreach (var l in log.Lines) output.WriteLine($"{l.Level}: {l.Text}");
            Assert.Contains(log.Of("detail"), l => l is "copying with 2 connections sharing one snapshot" or "copying with 3 connections sharing one snapshot");
            Assert.Empty(log.Of("warning"));

            // The same rows as an export from the connection string.
            var reference = TempDir();
            await SeedExporter.ExportAsync(Export(reference) with { ConnectionString = source.ConnectionString }, NullSeedLog.Instance, ct);
            foreach (var csv in Directory.GetFiles(reference, "*.csv"))
                Assert.Equal(await File.ReadAllBytesAsync(csv, ct), await File.ReadAllBytesAsync(Path.Combine(dir, Path.GetFileName(csv)), ct));
            Directory.Delete(reference, true);

            var verified = await TargetVerifier.VerifyAsync(dir, targetData, cancellationToken: ct);
            Assert.True(verified.Errors.Count == 0, string.Join("\n", verified.Errors));

            var imported = await SeedImporter.ImportAsync(new ImportRequest { DataSource = targetData, SeedDirectory = dir }, NullSeedLog.Instance, ct);
            Assert.Equal(report.TotalRows, imported.TotalRows);
            Assert.Equal(10L, await target.ScalarAsync<long>("select count(*) from customer"));

            var copied = await DatabaseCopier.CopyAsync(new CopyRequest
            {
                Source = Export("") with { DataSource = sourceData },
                TargetDataSource = copyData,
            }, NullSeedLog.Instance, ct);
            Assert.Equal(report.TotalRows, copied.Tables.Sum(t => t.Rows));
            Assert.Equal(await target.ScalarAsync<long>("select count(*) from line"), await copyTarget.ScalarAsync<long>("select count(*) from line"));

            // A data source is the caller's: still usable afterwards.
            await using var still = await sourceData.OpenConnectionAsync(ct);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task A_request_needs_exactly_one_of_connection_string_and_data_source()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await pg.CreateDatabaseAsync(Schema);
        await using var data = NpgsqlDataSource.Create(db.ConnectionString);

        var both = await Assert.ThrowsAsync<PgSeedException>(() =>
            SeedExporter.ExportAsync(Export(TempDir()) with { ConnectionString = db.ConnectionString, DataSource = data }, NullSeedLog.Instance, ct));
        Assert.Equal(ErrorCode.InvalidOption, both.Code);
        Assert.Equal(OptionNames.ExportDataSource, both.Option);
        Assert.Contains("ExportRequest.ConnectionString and ExportRequest.DataSource", both.Message);

        var neither = await Assert.ThrowsAsync<PgSeedException>(() => SeedExporter.ExportAsync(Export(TempDir()), NullSeedLog.Instance, ct));
        Assert.Equal(ErrorCode.NoConnection, neither.Code);
        Assert.Contains("ExportRequest.ConnectionString or ExportRequest.DataSource", neither.Message);

        var copyTarget = await Assert.ThrowsAsync<PgSeedException>(() => DatabaseCopier.CopyAsync(new CopyRequest
        {
            Source = Export("") with { DataSource = data },
            TargetConnectionString = db.ConnectionString,
            TargetDataSource = data,
        }, NullSeedLog.Instance, ct));
        Assert.Equal(OptionNames.CopyTargetDataSource, copyTarget.Option);
    }

    /// <summary>
    /// A role that must give its password (scram), through a data source that hides it (no Persist Security Info): the
    /// parallel sessions and the import still log in; pg_dump cannot, so schema.sql is left out with a warning that
    /// says why and what to do — and with the password persisted, pg_dump writes it.
    /// </summary>
    [Fact]
    public async Task A_password_role_works_through_a_data_source_that_hides_its_password()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var role = await TestRole.CreateAsync(pg.Server);
        await using var source = await pg.CreateDatabaseAsync(Schema + Rows);
        await using var target = await pg.CreateDatabaseAsync(Schema);
        foreach (var db in new[] { source, target })
            await db.ExecuteAsync($"grant all on all tables in schema public to \"{role.Name}\"");
        await using var passwords = await PasswordAuthentication.RequireAsync(pg.Server, role.Name);
        if (passwords is null)
        {
            Assert.Skip("the test server's pg_hba.conf cannot be changed here, so no role has to give a password");
            return;
        }
        // Proof that the password is checked: the same login without it is refused.
        var withoutPassword = new NpgsqlConnectionStringBuilder(role.ConnectionStringFor(source)) { Password = null, Pooling = false }.ConnectionString;
        await using (var refused = new NpgsqlConnection(withoutPassword))
            await Assert.ThrowsAnyAsync<Exception>(() => refused.OpenAsync(ct));

        var dir = TempDir();
        try
        {
            await using (var hidden = NpgsqlDataSource.Create(role.ConnectionStringFor(source)))
            {
                Assert.DoesNotContain("pw", hidden.ConnectionString);
                var log = new RecordingSeedLog();
                var report = await SeedExporter.ExportAsync(Export(dir) with { DataSource = hidden }, log, ct);
                foreach (var l in log.Lines) output.WriteLine($"{l.Level}: {l.Text}");
                Assert.Contains(log.Of("detail"), l => l is "copying with 2 connections sharing one snapshot" or "copying with 3 connections sharing one snapshot");
                Assert.DoesNotContain(log.Of("warning"), w => w.StartsWith(ErrorCode.ConnectionFailed, StringComparison.Ordinal));
                if (log.Of("warning").FirstOrDefault(w => w.StartsWith(ErrorCode.SchemaNotWritten, StringComparison.Ordinal)) is { } noSchema)
                {
                    Assert.Contains("does not reveal its password", noSchema);
                    Assert.DoesNotContain("'pw'", noSchema);
                }
                Assert.True(report.TotalRows > 0);
            }

            await using (var persisted = NpgsqlDataSource.Create(role.ConnectionStringFor(source) + ";Persist Security Info=true"))
            {
                var log = new RecordingSeedLog();
                await SeedExporter.ExportAsync(Export(dir) with { DataSource = persisted }, log, ct);
                Assert.DoesNotContain(log.Of("warning"), w => w.StartsWith(ErrorCode.SchemaNotWritten, StringComparison.Ordinal));
                Assert.True(File.Exists(Path.Combine(dir, "schema.sql")));
            }

            await using var targetData = NpgsqlDataSource.Create(role.ConnectionStringFor(target));
            var imported = await SeedImporter.ImportAsync(new ImportRequest { DataSource = targetData, SeedDirectory = dir }, NullSeedLog.Instance, ct);
            Assert.Equal(10L, await target.ScalarAsync<long>("select count(*) from customer"));
            Assert.True(imported.TotalRows > 10);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static string TempDir() => Path.Combine(Path.GetTempPath(), "pgseed-ds-" + Guid.NewGuid().ToString("N"));
}
