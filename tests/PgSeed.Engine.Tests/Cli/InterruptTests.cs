using PgSeed.Engine.Export;
using PgSeed.Engine.Tests.Infrastructure;
using static PgSeed.Engine.Tests.Infrastructure.CliProcess;

namespace PgSeed.Engine.Tests.Cli;

/// <summary>
/// pgseed as a child process, interrupted as a terminal (Ctrl+C), a CI runner (SIGTERM) or the OOM killer (SIGKILL)
/// would: it must stop its statements on the server, remove its temporary files and say so in one line.
/// </summary>
public sealed class InterruptTests(PostgresFixture pg) : IDisposable
{
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Exit = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan ServerClean = TimeSpan.FromSeconds(5); // well under the 20 s statements it cancels, with room for a loaded CI machine
    private readonly string _parent = Directory.CreateTempSubdirectory("pgseed-interrupt-").FullName;

    private const string Items = "create table item (id serial primary key, name text); insert into item (name) select 'n' || g from generate_series(1, 3) g;";

    public void Dispose() => Directory.Delete(_parent, recursive: true);

    /// <summary>
    /// A shell starts background jobs with SIGINT ignored, children inherit that, and .NET (like every program)
    /// keeps an ignored SIGINT ignored: Ctrl+C cannot reach a pgseed started from such a run, so the SIGINT cases skip.
    /// </summary>
    private static void SkipWhenSigIntIsIgnored(int signal)
    {
        var ignored = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        var mask = ignored is null ? 0UL : Convert.ToUInt64(ignored["SigIgn:".Length..].Trim(), 16);
        Assert.SkipWhen(signal == SIGINT && (mask & (1UL << (SIGINT - 1))) != 0,
            "SIGINT is ignored in this test process (started as a background job), so pgseed inherits it ignored");
    }

    private static void AssertOneCancelledLine(CliProcess cli)
    {
        var lines = cli.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1 && lines[0].StartsWith("error PGSEED060: cancelled", StringComparison.Ordinal),
            $"expected one PGSEED060 line, got:\n{cli.Error}");
    }

    [Theory]
    [InlineData(SIGINT)]
    [InlineData(SIGTERM)]
    public async Task A_signal_cancels_an_export_on_the_server_and_leaves_no_temporary_folder(int signal)
    {
        SkipWhenSigIntIsIgnored(signal);
        await using var db = await pg.CreateDatabaseAsync(Items);
        var output = Path.Combine(_parent, "seed");
        await using var cli = CliProcess.Start("export", "--connection", db.ConnectionString, "--table", "item",
            "--filter", "where pg_sleep(20) is not null", "--out", output);
        await ServerActivity.WaitUntilSleepingAsync(db, Start, () => cli.HasExited ? cli.Error : null);
        Assert.NotEmpty(Directory.GetDirectories(_parent, ".seed.pgseed-tmp-*")); // something to clean up

        cli.Signal(signal);

        Assert.Equal(130, await cli.WaitAsync(Exit));
        AssertOneCancelledLine(cli);
        await ServerActivity.AssertGoneAsync(db, ServerClean);
        Assert.Equal(0L, await db.ScalarAsync<long>("select count(*) from pg_class where relpersistence = 't' and relname like 'pgseed%'"));
        Assert.Empty(Directory.GetFileSystemEntries(_parent));
    }

    [Theory]
    [InlineData(SIGINT)]
    [InlineData(SIGTERM)]
    public async Task A_signal_cancels_an_import_and_leaves_the_target_and_its_sequences_as_they_were(int signal)
    {
        SkipWhenSigIntIsIgnored(signal);
        await using var source = await pg.CreateDatabaseAsync(Items);
        await using var target = await pg.CreateDatabaseAsync("""
            create table item (id serial primary key, name text);
            select setval('item_id_seq', 2);
            create function slow() returns trigger language plpgsql as $$ begin perform pg_sleep(20); return new; end $$;
            create trigger slow before insert on item for each row execute function slow();
            """);
        var seed = Path.Combine(_parent, "items");
        await SeedExporter.ExportAsync(new ExportRequest { ConnectionString = source.ConnectionString, Roots = [new RootSelection { Table = "item" }], OutputDirectory = seed },
            cancellationToken: TestContext.Current.CancellationToken);
        await using var cli = CliProcess.Start("import", "--connection", target.ConnectionString, "--in", seed);
        await ServerActivity.WaitUntilSleepingAsync(target, Start, () => cli.HasExited ? cli.Error : null);

        cli.Signal(signal);

        Assert.Equal(130, await cli.WaitAsync(Exit));
        AssertOneCancelledLine(cli);
        await ServerActivity.AssertGoneAsync(target, ServerClean);
        Assert.Equal(0L, await target.ScalarAsync<long>("select count(*) from item"));
        Assert.Equal(2L, await target.ScalarAsync<long>("select last_value from item_id_seq"));
    }

    [Fact]
    public async Task Killing_an_import_right_after_its_sequence_step_leaves_the_sequences_unchanged()
    {
        // The seed's ids go up to 3; the target's sequence stands at 2. A deferred trigger makes COMMIT wait, so the
        // import can be killed after every statement, the sequence step included, has run.
        await using var source = await pg.CreateDatabaseAsync(Items);
        await using var target = await pg.CreateDatabaseAsync("""
            create table item (id serial primary key, name text);
            select setval('item_id_seq', 2);
            create function slow() returns trigger language plpgsql as $$ begin perform pg_sleep(30); return null; end $$;
            create constraint trigger slow_commit after insert on item deferrable initially deferred for each row execute function slow();
            """);
        var seed = Path.Combine(_parent, "items");
        await SeedExporter.ExportAsync(new ExportRequest { ConnectionString = source.ConnectionString, Roots = [new RootSelection { Table = "item" }], OutputDirectory = seed },
            cancellationToken: TestContext.Current.CancellationToken);
        await using var cli = CliProcess.Start("import", "--connection", target.ConnectionString, "--in", seed, "--verbose");
        await ServerActivity.WaitUntilSleepingAsync(target, Start, () => cli.HasExited ? cli.Error : null, query: "COMMIT");
        Assert.Contains("item_id_seq", cli.Output); // the sequence step has run
        Assert.Equal(2L, await target.ScalarAsync<long>("select last_value from item_id_seq")); // and is invisible until COMMIT

        cli.Signal(SIGKILL);
        await cli.WaitAsync(Exit);
        await ServerActivity.TerminateAsync(target); // the server ends the orphaned session (it would once it noticed)
        await ServerActivity.AssertGoneAsync(target, TimeSpan.FromSeconds(10));

        Assert.Equal(0L, await target.ScalarAsync<long>("select count(*) from item"));
        Assert.Equal(2L, await target.ScalarAsync<long>("select last_value from item_id_seq"));
        Assert.Equal(3, await target.ScalarAsync<int>("select nextval('item_id_seq')::int"));
    }

    [Fact]
    public async Task The_next_export_into_the_same_folder_removes_what_a_killed_export_left()
    {
        await using var db = await pg.CreateDatabaseAsync(Items);
        await using (var cli = CliProcess.Start("export", "--connection", db.ConnectionString, "--table", "item",
                         "--filter", "where pg_sleep(20) is not null", "--out", Path.Combine(_parent, "killed")))
        {
            await ServerActivity.WaitUntilSleepingAsync(db, Start, () => cli.HasExited ? cli.Error : null);
            cli.Signal(SIGKILL);
            await cli.WaitAsync(Exit);
        }
        await ServerActivity.TerminateAsync(db);
        Assert.NotEmpty(Directory.GetDirectories(_parent, ".killed.pgseed-tmp-*"));
        // Killed a while ago: leftovers younger than two seconds may belong to an export that is just starting.
        foreach (var entry in Directory.GetFileSystemEntries(_parent)) Directory.SetLastWriteTimeUtc(entry, DateTime.UtcNow.AddMinutes(-1));

        var (code, _, err) = await CliRunner.Run("export", "--connection", db.ConnectionString, "--table", "item", "--out", Path.Combine(_parent, "next"));

        Assert.True(code == 0, err);
        Assert.Equal(new[] { "next" }, Directory.GetFileSystemEntries(_parent).Select(Path.GetFileName));
    }
}
