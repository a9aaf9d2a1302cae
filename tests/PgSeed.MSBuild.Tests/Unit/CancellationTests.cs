using System.Diagnostics;
using PgSeed.Engine.Diagnostics;
using PgSeed.MSBuild.Tasks;
using PgSeed.MSBuild.Tests.Infrastructure;
using static PgSeed.MSBuild.Tests.Infrastructure.Seeds;

namespace PgSeed.MSBuild.Tests.Unit;

public sealed class CancellationTests
{
    [Fact]
    public async Task Cancel_cancels_the_token_the_engine_runs_with_and_fails_with_PGSEED060()
    {
        var started = new TaskCompletionSource();
        var ops = new FakeSeedOperations
        {
            OnExport = async (_, _, token) =>
            {
                started.SetResult();
                await Task.Delay(Timeout.Infinite, token);
            },
        };
        var (task, build) = TaskHarness.Create<PgSeedExport>(ops);
        task.Connection = "Host=h;Database=d";
        task.Seeds = [Item("seeds/a", ("Table", "t")), Item("seeds/b", ("Table", "t"))];

        var execution = Task.Run(task.Execute, TestContext.Current.CancellationToken);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var clock = Stopwatch.StartNew();
        task.Cancel();
        var result = await execution.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.False(result);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}"); // the operation waits forever without the cancellation
        Assert.Equal(ErrorCode.Cancelled, Assert.Single(build.Errors).Code);
        Assert.Single(ops.Exports); // the second seed never started
    }

    [Fact]
    public async Task Cancel_stops_an_import_too()
    {
        var started = new TaskCompletionSource();
        var ops = new FakeSeedOperations
        {
            OnImport = async (_, _, token) =>
            {
                started.SetResult();
                await Task.Delay(Timeout.Infinite, token);
            },
        };
        var (task, build) = TaskHarness.Create<PgSeedImport>(ops);
        task.Connection = "Host=h;Database=d";
        task.Seeds = [Item("seeds/a", ("Table", "t"))];

        var execution = Task.Run(task.Execute, TestContext.Current.CancellationToken);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        task.Cancel();
        Assert.False(await execution.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCode.Cancelled, Assert.Single(build.Errors).Code);
    }
}
