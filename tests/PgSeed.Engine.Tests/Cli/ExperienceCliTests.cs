using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Tests.Infrastructure;
using static PgSeed.Engine.Tests.Infrastructure.CliRunner;

namespace PgSeed.Engine.Tests.Cli;

/// <summary>What a user sees: progress lines in logs, quiet mode, warnings after the tree, help links, plan output.</summary>
public class ExperienceCliTests(PostgresFixture pg)
{
    [Fact]
    public async Task Redirected_output_gets_one_line_per_finished_table_and_no_escape_codes()
    {
        await using var s = await ExportScenario.CreateAsync(pg, ShopSchema.Schema, ShopSchema.Data);
        var folder = s.NewFolder();
        var export = await Run("export", "-c", s.Source.ConnectionString, "-t", "customer", "-f", "order by id limit 5", "--allow-pii", "*.*", "-o", folder);
        Assert.True(export.Code == 0, export.Err);
        var lines = export.Out.Split('\n');
        var progress = lines.Where(l => l.StartsWith("  [", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, progress.Count); // one per exported table
        Assert.Matches(@"^  \[1/6\] public\.\w+: \d+ rows, [\d.]+ k?B in \d", progress[0]);
        Assert.Contains(progress, l => l.Contains("] public.customer: 6 rows, "));
        Assert.DoesNotContain('\u001b', export.Out + export.Err);
        // The tree still follows, then the summary line.
        Assert.Contains("public.customer (6 rows", export.Out);
        Assert.StartsWith("Exported 6 tables", lines.Last(l => l.Length > 0));

        await using var copy = await pg.CreateDatabaseAsync(ShopSchema.Schema);
        var import = await Run("import", "-c", copy.ConnectionString, "--in", folder);
        Assert.True(import.Code == 0, import.Err);
        Assert.Equal(6, import.Out.Split('\n').Count(l => l.StartsWith("  [", StringComparison.Ordinal) && l.Contains(" rows, ")));
        Assert.DoesNotContain('\u001b', import.Out);
    }

    [Fact]
    public async Task Quiet_prints_the_summary_line_and_counts_personal_data_warnings_in_one_line()
    {
        await using var s = await ExportScenario.CreateAsync(pg, ShopSchema.Schema, ShopSchema.Data);
        var quiet = await Run("export", "-c", s.Source.ConnectionString, "-t", "customer", "-f", "order by id limit 5", "-q", "-o", s.NewFolder());
        Assert.True(quiet.Code == 0, quiet.Err);
        Assert.Equal(["Exported 6 tables"], quiet.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[..17]));
        var warning = Assert.Single(quiet.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"warning {ErrorCode.PersonalData}: exported columns in 2 tables look personal; run without --quiet", warning);
    }

    [Fact]
    public async Task Personal_data_warnings_come_one_line_per_table_after_the_tree_with_the_snippets_to_add()
    {
        await using var s = await ExportScenario.CreateAsync(pg, ShopSchema.Schema, ShopSchema.Data);
        // One writer for both streams shows the order a terminal would.
        var both = new StringWriter();
        var code = await PgSeed.Cli.CliApp.RunAsync(["export", "-c", s.Source.ConnectionString, "-t", "customer", "-f", "order by id limit 5", "-o", s.NewFolder()],
            both, both, TestContext.Current.CancellationToken);
        Assert.Equal(0, code);
        var lines = both.ToString().Split('\n');
        var warnings = lines.Select((l, i) => (l, i)).Where(x => x.l.StartsWith("warning PGSEED092: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, warnings.Count);
        var tree = Array.FindLastIndex(lines, l => l.Contains(" tables, ") && l.Contains(" rows, "));
        Assert.All(warnings, w => Assert.True(w.i > tree, "warnings come after the tree"));
        var customer = warnings.Single(w => w.l.Contains("public.customer: ")).l;
        Assert.Contains("public.customer: name (name), email (email) look personal.", customer);
        Assert.Contains("\"tables\": { \"public.customer\": { \"transform\": { \"name\": { \"mask\": \"name\" }, \"email\": { \"mask\": \"email\" } } } }", customer);
        Assert.Contains("--allow-pii public.customer.name --allow-pii public.customer.email", customer);
        Assert.Contains("(\"allowPii\": [\"public.customer.name\", \"public.customer.email\"])", customer);
        Assert.Contains(warnings, w => w.l.Contains("public.staff: name (name) looks personal."));
    }

    [Fact]
    public async Task Verify_errors_carry_the_help_link()
    {
        await using var s = await ExportScenario.CreateAsync(pg, ShopSchema.Schema, ShopSchema.Data);
        var folder = s.NewFolder();
        Assert.Equal(0, (await Run("export", "-c", s.Source.ConnectionString, "-t", "country", "-q", "-o", folder)).Code);
        await File.AppendAllTextAsync(Path.Combine(folder, "public.country.csv"), "XX,Nowhere\n", TestContext.Current.CancellationToken);
        var verify = await Run("verify", folder);
        Assert.Equal(1, verify.Code);
        Assert.Contains($"error {ErrorCode.ChecksumMismatch}: ", verify.Err);
        Assert.Contains($"  see {ErrorHelp.LinkFor(ErrorCode.ChecksumMismatch)}", verify.Err);
    }

    [Theory]
    [InlineData("text", "public.customer  self-reference via customer_referred_by_fkey\n")]
    [InlineData("mermaid", "flowchart BT\n")]
    [InlineData("dot", "digraph seed {\n")]
    public async Task Plan_prints_the_tables_without_reading_rows(string format, string start)
    {
        await using var s = await ExportScenario.CreateAsync(pg, ShopSchema.Schema, ShopSchema.Data);
        var plan = await Run("plan", "-c", s.Source.ConnectionString, "-t", "customer", "-f", "where id < 3", "--format", format);
        Assert.True(plan.Code == 0, plan.Err);
        Assert.StartsWith(start, plan.Out);
        Assert.Contains("store_manager_fk", format == "text" ? plan.Out.Replace("FK cycle with public.staff (via store_manager_fk)", "store_manager_fk") : plan.Out);
        Assert.DoesNotContain(" rows", plan.Out);
        if (format == "mermaid") Assert.Equal(6, MermaidShape.Parse(plan.Out).Nodes.Count);
    }

    [Fact]
    public async Task Plan_takes_seeds_from_a_definition_file()
    {
        await using var s = await ExportScenario.CreateAsync(pg, ShopSchema.Schema, ShopSchema.Data);
        var dir = s.NewFolder();
        Directory.CreateDirectory(dir);
        var config = Path.Combine(dir, "pgseed.config.json");
        await File.WriteAllTextAsync(config, """
            { "seeds": {
                "lookups": { "out": "seeds/lookups", "table": "country", "children": "none" },
                "sales": { "out": "seeds/sales", "table": "sale", "children": "none" } } }
            """, TestContext.Current.CancellationToken);
        var plan = await Run("plan", "-c", s.Source.ConnectionString, "--config", config, "--format", "mermaid");
        Assert.True(plan.Code == 0, plan.Err);
        Assert.Contains("%% seed lookups\nflowchart BT\n", plan.Out);
        Assert.Contains("%% seed sales\nflowchart BT\n", plan.Out);
        var sales = plan.Out[plan.Out.IndexOf("%% seed sales\n", StringComparison.Ordinal)..].Split('\n', 2)[1];
        Assert.Contains("sale_staff_id_fkey", MermaidShape.Parse(sales).Edges.Select(e => e.Label));
    }
}
