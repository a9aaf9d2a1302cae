using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Tests.Infrastructure;
using static PgSeed.Engine.Tests.Shaping.ShapingKit;

namespace PgSeed.Engine.Tests.Shaping;

public class ExclusionTests(PostgresFixture pg)
{
    [Fact]
    public async Task A_foreign_key_into_an_excluded_table_fails_unless_nullable_and_opted_in_then_exports_null()
    {
        await using var s = await ExportScenario.CreateAsync(pg, ShapingSchema.Schema, ShapingSchema.Data);
        var request = Request(s, "customer") with { ExcludedTables = ["public.count*"], PiiLint = false };
        var e = await ThrowsAsync(s, request, ErrorCode.ExcludedTableReferenced);
        Assert.Contains("public.country", e.Message);
        Assert.Contains("customer_country_code_fkey", e.Message);
        Assert.Contains("nullExcludedReferences", e.Message);

        var optedIn = request with { NullReferencesToExcludedTables = true };
        await ExportAsync(s, optedIn);
        Assert.False(File.Exists(Path.Combine(optedIn.OutputDirectory, "public.country.csv")));
        await using var copy = await LoadAsync(pg, ShapingSchema.Schema, optedIn.OutputDirectory);
        Assert.Equal(["<null>"], (await copy.ColumnAsync("select country_code from customer")).Distinct());
        Assert.Equal(5L, await copy.ScalarAsync<long>("select count(*) from customer"));

        // NOT NULL references cannot be nulled, opt-in or not.
        var mandatory = await ThrowsAsync(s, Request(s, "\"order\"") with { ExcludedTables = ["customer"], NullReferencesToExcludedTables = true, DryRun = true },
            ErrorCode.ExcludedTableReferenced);
        Assert.Contains("NOT NULL", mandatory.Message);
    }

    [Fact]
    public async Task Excluded_tables_are_not_descended_into()
    {
        await using var s = await ExportScenario.CreateAsync(pg, ShapingSchema.Schema, ShapingSchema.Data);
        var request = Request(s, "customer", "where id = 1") with { ExcludedTables = ["login", "order_line"], PiiLint = false };
        await ExportAsync(s, request);
        var files = Directory.GetFiles(request.OutputDirectory).Select(Path.GetFileName).ToList();
        Assert.Contains("public.order.csv", files);
        Assert.DoesNotContain("public.login.csv", files);
        Assert.DoesNotContain("public.order_line.csv", files);
    }

    [Fact]
    public async Task Virtual_foreign_keys_are_followed_both_ways_and_close_integrity()
    {
        await using var s = await ExportScenario.CreateAsync(pg, ShapingSchema.Schema, ShapingSchema.Data);
        var request = s.Request(
            new RootSelection { Table = "\"order\"", Filter = "where id = 10" },
            new RootSelection { Table = "audit", Filter = "where id = 3" }) with
        {
            Parallel = 1,
            PiiLint = false,
            VirtualForeignKeys = [new VirtualForeignKey { Table = "audit", Columns = ["entity_id"], References = "public.order", ReferencedColumns = ["id"] }],
        };
        await ExportAsync(s, request);
        await using var copy = await LoadAsync(pg, ShapingSchema.Schema, request.OutputDirectory);
        // Audit 1 is a child of order 10 through the virtual FK; audit 3 (a root) pulls in its order 14 as a parent.
        Assert.Equal(["1", "3"], await copy.ColumnAsync("select id from audit order by 1"));
        Assert.Equal(["10", "14"], await copy.ColumnAsync("select id from \"order\" order by 1"));
        Assert.Equal(["1", "4"], await copy.ColumnAsync("select id from customer order by 1"));
        // The schema has no such FK, so the loader cannot check it: every exported reference must resolve.
        Assert.Equal(0L, await copy.ScalarAsync<long>("select count(*) from audit a where a.entity_id is not null and not exists (select from \"order\" o where o.id = a.entity_id)"));
    }
}
