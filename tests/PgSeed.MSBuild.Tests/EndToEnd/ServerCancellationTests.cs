using System.Diagnostics;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.MSBuild.Engine;
using PgSeed.MSBuild.Tasks;
using PgSeed.MSBuild.Tests.Infrastructure;
using static PgSeed.MSBuild.Tests.Infrastructure.Seeds;

namespace PgSeed.MSBuild.Tests.EndToEnd;

/// <summary>
/// Ctrl+C in a build calls <see cref="Microsoft.Build.Framework.ICancelableTask.Cancel"/>: the task must return
/// promptly and the query must stop on the server too, not just in the client.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ServerCancellationTests(PostgresServer postgres) : IDisposable
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Cancelling_an_export_returns_promptly_and_cancels_the_query_on_the_server()
    {
        await using var db = await postgres.CreateDatabaseAsync(ShopSchema.Ddl + ShopSchema.Data);
        var build = new FakeBuildEngine();
        var task = new PgSeedExport
        {
            BuildEngine = build,
            ProjectDirectory = NewDirectory(),
            Connection = db.ConnectionString,
            Seeds = [Item("seeds/slow", ("Table", "book"), ("Raw", "select b.* from book b cross join pg_sleep(600)"))],
        };

        await RunAndCancelAsync(task, db, build);
        // The half-written seed folder is gone: no staging folder, no lock file, no seed.
        Assert.False(Directory.Exists(Path.Combine(task.ProjectDirectory!, "seeds")) &&
                     Directory.EnumerateFileSystemEntries(Path.Combine(task.ProjectDirectory!, "seeds")).Any());
    }

    [Fact]
    public async Task Cancelling_an_import_returns_promptly_and_cancels_the_load_on_the_server()
    {
        await using var source = await postgres.CreateDatabaseAsync(ShopSchema.Ddl + ShopSchema.Data);
        // Every row loaded into book waits in a trigger: the import is reliably busy on the server.
        await using var target = await postgres.CreateDatabaseAsync(ShopSchema.Ddl + """
            create function slow_insert() returns trigger language plpgsql as $$ begin perform pg_sleep(600); return new; end $$;
            create trigger slow_insert before insert on book for each row execute function slow_insert();
            """);
        var root = NewDirectory();
        await EngineOperations.Instance.ExportAsync(new ExportRequest
        {
            ConnectionString = source.ConnectionString, OutputDirectory = Path.Combine(root, "seeds", "books"),
            Roots = [new RootSelection { Table = "book", Filter = "where id <= 3" }],
        }, NullSeedLog.Instance, TestContext.Current.CancellationToken);
        var build = new FakeBuildEngine();
        var task = new PgSeedImport { BuildEngine = build, ProjectDirectory = root, Connection = target.ConnectionString, Seeds = [Item("seeds/books")] };

        await RunAndCancelAsync(task, target, build);
        Assert.Equal(0L, await target.ScalarAsync<long>("select count(*) from author"));
    }

    private readonly List<string> _dirs = new();

    private string NewDirectory()
    {
        var dir = Directory.CreateTempSubdirectory("pgseed-cancel-").FullName;
        _dirs.Add(dir);
        return dir;
    }

    public void Dispose()
    {
        foreach (var dir in _dirs) if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }

    private static async Task RunAndCancelAsync(PgSeedTask task, TestDatabase db, FakeBuildEngine build)
    {
        var execution = Task.Run(task.Execute, TestContext.Current.CancellationToken);
        await WaitUntilAsync(db, sleeping: true, TimeSpan.FromSeconds(30), () => execution.IsCompleted ? string.Join("\n", build.AllText) : null);

        var clock = Stopwatch.StartNew();
        task.Cancel();
        var result = await execution.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.False(result);
        Assert.True(clock.Elapsed < Prompt, $"the task took {clock.Elapsed} to stop");
        Assert.Equal(ErrorCode.Cancelled, Assert.Single(build.Errors).Code);

        await WaitUntilAsync(db, sleeping: false, Prompt, () => null);
        // Every session the task opened is closed promptly (its temporary tables go with them).
        var gone = Stopwatch.StartNew();
        while (await db.ScalarAsync<long>($"select count(*) from pg_stat_activity where datname = '{db.Name}' and application_name = 'pgseed'") > 0)
        {
            Assert.True(gone.Elapsed < Prompt, $"pgseed sessions were still open {Prompt} after the task returned");
            await Task.Delay(20);
        }
    }

    /// <summary>Waits until a backend of <paramref name="db"/> is (or no longer is) sleeping in pg_sleep.</summary>
    private static async Task WaitUntilAsync(TestDatabase db, bool sleeping, TimeSpan timeout, Func<string?> failedEarly)
    {
        var sql = $"select count(*) from pg_stat_activity where datname = '{db.Name}' and wait_event = 'PgSleep' and pid <> pg_backend_pid()";
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await db.ScalarAsync<long>(sql) > 0 == sleeping) return;
            if (failedEarly() is { } log) Assert.Fail($"the task finished before it was cancelled:\n{log}");
            if (clock.Elapsed > timeout)
                Assert.Fail(sleeping ? "the query never started on the server" : $"the query was still running on the server {timeout} after cancelling");
            await Task.Delay(50);
        }
    }
}
