using Npgsql;
using PgSeed.Engine.Diagnostics;
using PgSeed.Testing.Tests.Infrastructure;

namespace PgSeed.Testing.Tests;

public sealed class ConfigurationTests
{
    private sealed class Fixture(Action<PgSeedOptions> configure) : PgSeedFixture
    {
        protected override void Configure(PgSeedOptions options) => configure(options.SingleDatabase().Log(_ => { }));
    }

    [Fact]
    public async Task Missing_schema_script_names_the_places_it_looked()
    {
        await using var db = new Fixture(o => o.Schema("db/no-such-file.sql"));
        var e = await Assert.ThrowsAsync<PgSeedException>(() => db.InitializeAsync().AsTask());
        Assert.Equal(TestingErrorCode.FixturePathNotFound, e.Code);
        Assert.Contains(AppContext.BaseDirectory.TrimEnd('/'), e.Message);
    }

    [Fact]
    public async Task Exceptions_from_the_users_configure_and_server_provider_are_named_as_theirs()
    {
        await using var configure = new Fixture(_ => throw new ArgumentException("no such tenant"));
        var e = await Assert.ThrowsAsync<PgSeedException>(() => configure.InitializeAsync().AsTask());
        Assert.Equal(TestingErrorCode.FixtureMisuse, e.Code);
        Assert.Contains("Configure threw ArgumentException: no such tenant", e.Message);
        Assert.DoesNotContain("internal", e.Message, StringComparison.OrdinalIgnoreCase);

        await using var provider = new Fixture(o => o.Server(new Func<CancellationToken, Task<PgSeed.Testing.Servers.IPostgresServer>>(_ => throw new InvalidOperationException("docker is asleep"))));
        e = await Assert.ThrowsAsync<PgSeedException>(() => provider.InitializeAsync().AsTask());
        Assert.Equal(TestingErrorCode.NoTestServer, e.Code);
        Assert.Contains("docker is asleep", e.Message);
        Assert.DoesNotContain("internal", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Failing_schema_script_reports_file_and_server_message()
    {
        var path = Path.Combine(Path.GetTempPath(), $"pgseed-bad-{Guid.NewGuid():N}.sql");
        await File.WriteAllTextAsync(path, "CREATE TABLE ok (id int);\nCREATE TABLE broken (id int REFERENCES nowhere (id));", TestContext.Current.CancellationToken);
        try
        {
            await using var db = new Fixture(o => o.Schema(path));
            var e = await Assert.ThrowsAsync<PgSeedException>(() => db.InitializeAsync().AsTask());
            Assert.Equal(ErrorCode.SchemaScriptFailed, e.Code);
            Assert.Equal(path, e.File);
            Assert.Contains("nowhere", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Schema_callback_builds_the_template_and_its_failures_are_wrapped()
    {
        await using var ok = new Fixture(o => o.Schema(CreateNotesAsync));
        await ok.InitializeAsync();
        await ok.ResetAsync(TestContext.Current.CancellationToken);
        await using (var c = await ok.OpenConnectionAsync(TestContext.Current.CancellationToken))
        {
            await using var cmd = new NpgsqlCommand("INSERT INTO notes (body) VALUES ('x'); SELECT count(*) FROM notes", c);
            Assert.Equal(2L, await cmd.ExecuteScalarAsync(TestContext.Current.CancellationToken));
        }
        await ok.ResetAsync(TestContext.Current.CancellationToken);
        Assert.Equal(ResetOutcome.Restored, ok.LastReset);

        await using var failing = new Fixture(o => o.Schema((_, _) => throw new InvalidOperationException("migration 7 failed")));
        var e = await Assert.ThrowsAsync<PgSeedException>(() => failing.InitializeAsync().AsTask());
        Assert.Equal(TestingErrorCode.SchemaCallbackFailed, e.Code);
        Assert.Contains("migration 7 failed", e.Message);
    }

    private static async Task CreateNotesAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync(cancellationToken);
        await using var cmd = new NpgsqlCommand("CREATE TABLE notes (id serial PRIMARY KEY, body text); INSERT INTO notes (body) VALUES ('seeded');", c);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    [Fact]
    public async Task Using_the_fixture_before_initialisation_is_a_clear_error()
    {
        await using var db = new ChangeCaptureShop();
        var e = await Assert.ThrowsAsync<PgSeedException>(() => db.ResetAsync(TestContext.Current.CancellationToken));
        Assert.Equal(TestingErrorCode.FixtureMisuse, e.Code);
    }

    [Fact]
    public void Options_validate_their_arguments()
    {
        var o = new PgSeedOptions();
        Assert.Throws<ArgumentOutOfRangeException>(() => o.ReloadWhenChanged(0));
        Assert.Throws<ArgumentException>(() => o.Schema(""));
        Assert.Equal(0.25, o.ReloadWhenChanged(0.25).ReloadThreshold);
        Assert.Equal(ResetStrategy.ChangeCapture, o.Strategy);
    }
}
