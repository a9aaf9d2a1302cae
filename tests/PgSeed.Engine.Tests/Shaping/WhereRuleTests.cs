using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Shaping;
using PgSeed.Engine.Tests.Infrastructure;
using static PgSeed.Engine.Tests.Shaping.ShapingKit;

namespace PgSeed.Engine.Tests.Shaping;

public class WhereRuleTests(PostgresFixture pg)
{
    [Fact]
    public async Task Structured_where_filters_roots_and_children_with_parameters_only()
    {
        await using var s = await ExportScenario.CreateAsync(pg, ShapingSchema.Schema, ShapingSchema.Data);
        var request = Request(s, "country") with
        {
            Rules =
            [
                new TableRule { Table = "country", Conditions = [new WhereCondition { Column = "code", Operator = WhereOperator.Ne, Values = ["IT"] }] },
                new TableRule
                {
                    Table = "public.customer",
                    Conditions =
                    [
                        new WhereCondition { Column = "status", Operator = WhereOperator.In, Values = ["active", "pending"] },
                        new WhereCondition { Column = "created_at", Operator = WhereOperator.Gte, Values = ["2024-01-01"] },
                    ],
                },
            ],
        };
        var log = await ExportAsync(s, request);
        await using var copy = await LoadAsync(pg, ShapingSchema.Schema, request.OutputDirectory);
        Assert.Equal(["DE", "FR"], await copy.ColumnAsync("select code from country order by 1"));
        Assert.Equal(["1", "2"], await copy.ColumnAsync("select id from customer order by 1"));
        Assert.Equal(["10", "11", "12"], await copy.ColumnAsync("select id from \"order\" order by 1"));
        Assert.Equal(["1000", "1001", "1002"], await copy.ColumnAsync("select id from login order by 1"));
        // Values travel as parameters: none of them appears in the SQL.
        var sql = string.Join("\n", log.Of("sql"));
        Assert.Contains("@pgseed_w1_0", sql);
        Assert.DoesNotContain("'pending'", sql);
        Assert.DoesNotContain("2024-01-01", sql);
        Assert.DoesNotContain(log.Of("warning"), w => w.StartsWith(ErrorCode.RuleKeptParents));
    }

    [Fact]
    public async Task Raw_where_with_parameters_and_globs_keeps_referenced_parents_and_warns_or_fails_when_strict()
    {
        await using var s = await ExportScenario.CreateAsync(pg, ShapingSchema.Schema, ShapingSchema.Data);
        var request = Request(s, "\"order\"", "where id in (10, 13)") with
        {
            Rules =
            [
                new TableRule { Table = "order_*", Where = "qty > @min", WhereParameters = new Dictionary<string, object?> { ["min"] = 1 } },
                new TableRule { Table = "cust*", Where = "status = 'active'" },
            ],
            PiiLint = false,
        };
        var log = await ExportAsync(s, request);
        await using (var copy = await LoadAsync(pg, ShapingSchema.Schema, request.OutputDirectory))
        {
            Assert.Equal(["101", "104"], await copy.ColumnAsync("select id from order_line order by 1"));
            // Customer 3 is closed but order 13 references it: kept so the seed imports.
            Assert.Equal(["1", "3"], await copy.ColumnAsync("select id from customer order by 1"));
        }
        var warning = Assert.Single(log.Of("warning"), w => w.StartsWith(ErrorCode.RuleKeptParents));
        Assert.Contains("public.customer", warning);
        Assert.Contains("could not drop 1 rows", warning);

        var strict = await ThrowsAsync(s, request with { Strict = true, OutputDirectory = s.NewFolder() }, ErrorCode.RuleKeptParents);
        Assert.Equal("public.customer", strict.Table);
        Assert.False(Directory.Exists(strict.File ?? "nope"));
    }

    [Fact]
    public async Task Where_rules_naming_missing_columns_or_writing_are_refused()
    {
        await using var s = await ExportScenario.CreateAsync(pg, ShapingSchema.Schema, ShapingSchema.Data);
        var missing = Request(s, "country") with
        {
            DryRun = true,
            Rules = [new TableRule { Table = "customer", Conditions = [new WhereCondition { Column = "nope", Operator = WhereOperator.Eq, Values = ["x"] }] }],
        };
        var e = await ThrowsAsync(s, missing, ErrorCode.RuleInvalid);
        Assert.Equal("nope", e.Column);
        await ThrowsAsync(s, Request(s, "country") with { Rules = [new TableRule { Table = "customer", Where = "true; delete from customer" }] }, ErrorCode.FilterWrites);
        var typed = await ThrowsAsync(s, Request(s, "country") with
        {
            Rules = [new TableRule { Table = "customer", Where = "created_at >= @since", WhereParameters = new Dictionary<string, object?> { ["since"] = "2024-01-01" } }],
        }, ErrorCode.BadFilter);
        Assert.Contains("customer", typed.Message);
    }
}
