using PgSeed.Cli;
using PgSeed.Engine.Diagnostics;
using Spectre.Console.Testing;

namespace PgSeed.Engine.Tests.Cli;

/// <summary>The terminal's live display, drawn on Spectre's test console from the engine's progress events.</summary>
public class LiveProgressTests
{
    [Fact]
    public void Shows_closure_rounds_then_tables_with_rates_and_an_overall_bar()
    {
        var live = new LiveProgress();
        live.ClosureRound(1, 40);
        live.ClosureRound(2, 2);
        Assert.Contains("computing the subset: round 2, 42 rows found", Draw(live));

        live.TablesStarting([new TableProgressInfo("public.customer", 100, 0), new TableProgressInfo("public.\"order\"", 300, 0)]);
        live.TableProgress("public.\"order\"", 150, 64 * 1024);
        var copying = Draw(live);
        Assert.Contains("public.\"order\"", copying);
        Assert.Contains("150 rows", copying);
        Assert.Contains("64 kB", copying);
        Assert.Contains("/s", copying);
        Assert.Contains(" 38%  0/2 tables  150 rows", copying); // 150 of 400 expected rows
        Assert.DoesNotContain("public.customer", copying); // not started yet

        live.TableFinished("public.\"order\"", 300, 128 * 1024, TimeSpan.FromMilliseconds(20));
        live.TableProgress("public.customer", 10, 1024);
        var later = Draw(live);
        Assert.Contains("public.customer", later);
        Assert.DoesNotContain("public.\"order\"", later); // done: off the display
        Assert.Contains(" 78%  1/2 tables  310 rows", later);
    }

    private static string Draw(LiveProgress live)
    {
        var console = new TestConsole();
        console.Write(live.Render());
        return console.Output;
    }

    [Fact]
    public async Task Runs_the_work_under_the_live_display_and_returns_its_result()
    {
        var console = new TestConsole().Interactive();
        var live = new LiveProgress();
        var result = await live.RunAsync(console, async () =>
        {
            live.ClosureRound(1, 5);
            await Task.Delay(150, TestContext.Current.CancellationToken);
            return 42;
        });
        Assert.Equal(42, result);
        Assert.Contains("rows found", console.Output);
    }
}
