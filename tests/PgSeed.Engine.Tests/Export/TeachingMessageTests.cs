using PgSeed.Engine.Catalog;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Tests.Infrastructure;
using static PgSeed.Engine.Tests.Infrastructure.CliRunner;

namespace PgSeed.Engine.Tests.Export;

/// <summary>Errors that say where the mistake is and what was probably meant.</summary>
public class TeachingMessageTests(PostgresFixture pg)
{
    private static async Task<PgSeedException> FailsAsync(ExportScenario s, ExportRequest request, string code)
    {
        var e = await Assert.ThrowsAsync<PgSeedException>(() => s.ExportAsync(request));
        Assert.True(e.Code == code, $"expected {code}, got {e.Code}: {e.Message}");
        return e;
    }

    [Fact]
    public async Task A_filter_syntax_error_points_into_the_users_text_with_a_caret()
    {
        await using var s = await ExportScenario.CreateAsync(pg, ShopSchema.Schema, ShopSchema.Data);
        var e = await FailsAsync(s, s.Request(new RootSelection { Table = "invoice", Filter = "where customer_id in (1,2" }), ErrorCode.BadFilter);
        Assert.Equal("The filter for public.invoice has an error at character 26 of the filter: syntax error at end of input\n" +
                     "    where customer_id in (1,2\n" +
                     "                             ^", e.Message);
        Assert.Equal(26, e.Position);
        Assert.DoesNotContain("ON", e.Message); // not a word of PgSeed's own SQL

        var unknown = await FailsAsync(s, s.Request(new RootSelection { Table = "invoice", Filter = "where totl > 10" }), ErrorCode.BadFilter);
        Assert.StartsWith("The filter for public.invoice has an error at character 7 of the filter: column \"totl\" does not exist", unknown.Message);
        Assert.EndsWith("\n    where totl > 10\n          ^", unknown.Message);

        var multiline = await FailsAsync(s, s.Request(new RootSelection { Table = "invoice", Filter = "where total > 10\n  and custmer_id = 1" }), ErrorCode.BadFilter);
        Assert.Contains("at line 2, character 7 of the filter", multiline.Message);
        Assert.EndsWith("\n      and custmer_id = 1\n          ^", multiline.Message);

        var raw = await FailsAsync(s, s.Request(new RootSelection { Table = "invoice", Raw = "select * from invoice where" }), ErrorCode.BadFilter);
        Assert.Contains("error at character 28 of the raw query: syntax error at end of input", raw.Message);

        // The CLI prints the caret lines under the error, and a dry run checks the filter too.
        var cli = await Run("export", "-c", s.Source.ConnectionString, "-t", "invoice", "-f", "where customer_id in (1,2", "--dry-run", "-o", s.NewFolder());
        Assert.Equal(1, cli.Code);
        Assert.Contains("error PGSEED013: The filter for public.invoice has an error at character 26", cli.Err);
        Assert.Contains("\n                             ^\n", cli.Err);
    }

    [Fact]
    public async Task Unknown_names_suggest_the_closest_ones_everywhere_a_table_is_named()
    {
        await using var s = await ExportScenario.CreateAsync(pg, ShopSchema.Schema, ShopSchema.Data);
        var root = await FailsAsync(s, s.Request(new RootSelection { Table = "invoices" }), ErrorCode.TableNotFound);
        Assert.Equal("Root table 'invoices' was not found in the database. Did you mean public.invoice?", root.Message);

        var include = await FailsAsync(s, s.Request(new RootSelection { Table = "invoice" }, new RootSelection { Table = "contry" }), ErrorCode.TableNotFound);
        Assert.EndsWith("Did you mean public.country?", include.Message);

        var qualified = await FailsAsync(s, s.Request(new RootSelection { Table = "pubic.invoice" }), ErrorCode.TableNotFound);
        Assert.EndsWith("Did you mean public.invoice?", qualified.Message);

        var edgeTable = await FailsAsync(s, s.Request(new RootSelection { Table = "customer" }) with { ExcludedEdges = ["invoces.invoice_customer_id_fkey"] }, ErrorCode.TableNotFound);
        Assert.EndsWith("Did you mean public.invoice?", edgeTable.Message);
        var edgeName = await FailsAsync(s, s.Request(new RootSelection { Table = "customer" }) with { ExcludedEdges = ["invoice.invoice_customer_fkey"] }, ErrorCode.UnknownForeignKey);
        Assert.Contains("has no foreign key named invoice_customer_fkey. Did you mean invoice_customer_id_fkey?", edgeName.Message);

        var rule = await FailsAsync(s, s.Request(new RootSelection { Table = "customer" }) with { Rules = [new TableRule { Table = "sales", Omit = ["staff_id"] }] }, ErrorCode.TableNotFound);
        Assert.EndsWith("Did you mean public.sale?", rule.Message);

        var nothingClose = await FailsAsync(s, s.Request(new RootSelection { Table = "warehouse" }), ErrorCode.TableNotFound);
        Assert.Equal("Root table 'warehouse' was not found in the database.", nothingClose.Message);

        // A definition file's entries go through the same resolution.
        var dir = s.NewFolder();
        Directory.CreateDirectory(dir);
        var config = Path.Combine(dir, "pgseed.config.json");
        await File.WriteAllTextAsync(config, """{ "seeds": { "x": { "out": "x", "table": "customer", "exclude": ["invoise"] } } }""", TestContext.Current.CancellationToken);
        var cli = await Run("export", "-c", s.Source.ConnectionString, "--config", config);
        Assert.Equal(1, cli.Code);
        Assert.Contains("'invoise' was not found in the database. Did you mean public.invoice?", cli.Err);
    }

    [Theory]
    [InlineData("invoices", "invoice,sale,staff", "invoice")]
    [InlineData("Invoice", "invoice", "invoice")]
    [InlineData("ordr_line", "order_line,order,line", "order_line")]
    [InlineData("custmer", "customer,customer_address", "customer")]
    [InlineData("addr", "customer_address,order", "customer_address")]
    [InlineData("zzz", "customer,order", "")]
    public void Suggestions_are_the_closest_names(string typed, string candidates, string expected)
    {
        var closest = NameSuggestions.Closest(typed, candidates.Split(',').Select(c => (c, c)));
        Assert.Equal(expected, closest.FirstOrDefault() ?? "");
    }
}
