using PgSeed.Engine.Export;
using PgSeed.Engine.Tests.Infrastructure;

namespace PgSeed.Engine.Tests.Export;

/// <summary>
/// The export's contract: whatever the schema shape, the seed imports into an empty copy with every FK
/// enforced, and holds exactly the rows the documented rules select (checked against an independent oracle).
/// </summary>
public class IntegrityTests(PostgresFixture pg)
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Company_subset_follows_self_references_cycles_and_foreign_parents(int parallel)
    {
        await using var s = await ExportScenario.CreateAsync(pg, IntegritySchemas.CompanySchema, IntegritySchemas.CompanyData);
        var (report, folder) = await s.ExportAsync(s.Request(new RootSelection { Table = "company", Filter = "where id = 1" }) with { Parallel = parallel });
        await s.AssertMatchesOracleAsync(folder, [("company", "where id = 1")]);

        // Spot checks of the rules themselves.
        var copy = await ClosureOracle.ComputeAsync(s.Source.ConnectionString, [("company", "where id = 1")]);
        Assert.Contains(copy["employee"], r => r.Contains("Mallory")); // head of a parent department
        Assert.DoesNotContain(copy["employee"], r => r.Contains("Judy"));
        Assert.Contains(copy["employee"], r => r.Contains("Ivan"));    // assigned to a company-1 project
        Assert.DoesNotContain(copy["company"], r => r.Contains("Unrelated"));
        Assert.DoesNotContain(report.Tables, t => t.Table == "public.country"); // no relation to the roots
    }

    [Fact]
    public async Task Children_none_exports_roots_and_parents_only()
    {
        await using var s = await ExportScenario.CreateAsync(pg, IntegritySchemas.CompanySchema, IntegritySchemas.CompanyData);
        var (report, folder) = await s.ExportAsync(s.Request(new RootSelection { Table = "employee", Filter = "where id = 2" }) with { Children = ChildrenMode.None });
        await s.AssertMatchesOracleAsync(folder, [("employee", "where id = 2")], children: false);
        Assert.DoesNotContain(report.Tables, t => t.Table == "public.project");
    }

    [Fact]
    public async Task Excluded_edge_stops_descent_but_not_parents()
    {
        await using var s = await ExportScenario.CreateAsync(pg, IntegritySchemas.CompanySchema, IntegritySchemas.CompanyData);
        var (_, folder) = await s.ExportAsync(s.Request(new RootSelection { Table = "public.company", Filter = "where id = 1" })
            with { ExcludedEdges = ["employee.employee_manager_id_fkey", "public.project.project_company_id_fkey"] });
        await s.AssertMatchesOracleAsync(folder, [("company", "where id = 1")], excludedEdges: ["employee_manager_id_fkey", "project_company_id_fkey"]);
    }

    [Fact]
    public async Task Included_lookup_table_and_unfiltered_root()
    {
        await using var s = await ExportScenario.CreateAsync(pg, IntegritySchemas.CompanySchema, IntegritySchemas.CompanyData);
        var (report, folder) = await s.ExportAsync(s.Request(
            new RootSelection { Table = "project" },
            new RootSelection { Table = "country", Filter = "where code = 'DE'" }));
        await s.AssertMatchesOracleAsync(folder, [("project", null), ("country", "where code = 'DE'")]);
        Assert.Equal(1, report.Tables.Single(t => t.Table == "public.country").Rows);
    }

    [Theory]
    [InlineData("sales.\"Region\"", "where \"Code\" = 'EU'")]
    [InlineData("Sales.REGION", "where \"Code\" in ('US', 'AP')")]
    [InlineData("sales.\"order\"", "where region = 'EU' and no = 1")]
    [InlineData("measure", "where at >= '2025-01-01'")]
    [InlineData("note", "where body = 'fragile'")]
    public async Task Composite_keys_partitions_keyless_tables_and_quoted_names(string table, string filter)
    {
        await using var s = await ExportScenario.CreateAsync(pg, IntegritySchemas.SalesSchema, IntegritySchemas.SalesData);
        var (_, folder) = await s.ExportAsync(s.Request(new RootSelection { Table = table, Filter = filter }));
        var oracleTable = table == "Sales.REGION" ? "sales.\"Region\"" : table;
        await s.AssertMatchesOracleAsync(folder, [(oracleTable, filter)]);
    }

    [Fact]
    public async Task Raw_query_selects_roots()
    {
        await using var s = await ExportScenario.CreateAsync(pg, IntegritySchemas.SalesSchema, IntegritySchemas.SalesData);
        var (_, folder) = await s.ExportAsync(s.Request(new RootSelection
        {
            Table = "sales.order", Raw = "select o.* from sales.\"order\" o join sales.order_line l on (l.region, l.order_no) = (o.region, o.no) where l.qty >= 2",
        }));
        await s.AssertMatchesOracleAsync(folder, [("sales.\"order\"", "where (region, no) in (select region, order_no from sales.order_line where qty >= 2)")]);
    }

    [Fact]
    public async Task Raw_query_on_a_keyless_table_matches_rows_by_content()
    {
        await using var s = await ExportScenario.CreateAsync(pg, IntegritySchemas.SalesSchema, IntegritySchemas.SalesData);
        var (report, folder) = await s.ExportAsync(s.Request(new RootSelection { Table = "note", Raw = "select * from note where body = 'rush'" }));
        await s.AssertMatchesOracleAsync(folder, [("note", "where body = 'rush'")]);
        Assert.Equal(1, report.Tables.Single(t => t.Table == "public.note").Rows);
    }

    [Fact]
    public async Task Schema_option_limits_the_catalog()
    {
        await using var s = await ExportScenario.CreateAsync(pg, IntegritySchemas.SalesSchema, IntegritySchemas.SalesData);
        var (report, _) = await s.ExportAsync(s.Request(new RootSelection { Table = "\"Region\"", Filter = "where \"Code\" = 'EU'" }) with { Schemas = ["sales"] });
        Assert.All(report.Tables, t => Assert.StartsWith("sales.", t.Table));
        Assert.Equal(3, report.Tables.Count);
    }
}
