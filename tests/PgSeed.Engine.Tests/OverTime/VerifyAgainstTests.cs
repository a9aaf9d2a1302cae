using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Tests.Infrastructure;
using PgSeed.Engine.Verify;
using static PgSeed.Engine.Tests.Infrastructure.CliRunner;
using static PgSeed.Engine.Tests.OverTime.OverTimeKit;

namespace PgSeed.Engine.Tests.OverTime;

/// <summary><c>pgseed verify --against</c>: a seed checked against an empty database migrated to another schema.</summary>
[Trait("Category", "Matrix")] // build/test.sh runs these on every PostgreSQL major
public class VerifyAgainstTests(PostgresFixture pg)
{
    private async Task<(ExportScenario Shop, string Folder, TestDatabase Target)> SetUpAsync(string? migration)
    {
        var s = await ShopAsync(pg);
        var folder = await ExportAsync(s);
        var target = await pg.CreateDatabaseAsync(Schema + ";\n" + (migration ?? ""));
        return (s, folder, target);
    }

    [Fact]
    public async Task A_matching_schema_passes_and_the_rehearsed_import_leaves_no_trace()
    {
        var (s, folder, target) = await SetUpAsync(null);
        await using var _ = s;
        await using var __ = target;
        await target.ExecuteAsync("select nextval('orders_id_seq')"); // the sequence has a state to keep

        var (code, output, error) = await Run("verify", folder, "--against", target.ConnectionString);
        Assert.True(code == 0, error + output);
        Assert.Contains("ok against ", output);
        Assert.Contains("rows imported and rolled back", output);

        Assert.Equal(0L, await target.ScalarAsync<long>("select (select count(*) from customer) + (select count(*) from orders) + (select count(*) from tag)"));
        Assert.Equal(1L, await target.ScalarAsync<long>("select last_value from orders_id_seq")); // setval skipped: not undone by a rollback
    }

    [Fact]
    public async Task A_renamed_column_is_reported_with_its_likely_new_name()
    {
        var (s, folder, target) = await SetUpAsync("alter table customer rename column name to full_name;");
        await using var _ = s;
        await using var __ = target;

        var (code, output, error) = await Run("verify", folder, "--against", target.ConnectionString);
        Assert.Equal(1, code);
        Assert.Contains("error PGSEED041: Column name of public.customer.csv does not exist in table public.customer of the target", error);
        Assert.Contains("probably renamed to full_name", error);
        Assert.DoesNotContain("PGSEED042", error);
        Assert.Contains("1 problem(s)", output);
    }

    [Fact]
    public async Task A_new_not_null_column_without_a_default_fails_with_one_it_warns()
    {
        var (s, folder, target) = await SetUpAsync("alter table orders add column status text not null; alter table customer add column vip boolean not null default false;");
        await using var _ = s;
        await using var __ = target;

        var outcome = await TargetVerifier.VerifyAsync(folder, target.ConnectionString, cancellationToken: Ct);
        var error = Assert.Single(outcome.Errors);
        Assert.Equal((ErrorCode.RequiredColumnMissing, "public.orders", "status"), (error.Code, error.Table, error.Column));
        var warning = Assert.Single(outcome.Warnings);
        Assert.Equal((ErrorCode.SchemaDrift, "vip"), (warning.Code, warning.Column));
        Assert.Null(outcome.Import);

        await target.ExecuteAsync("alter table orders alter column status set default 'new'");
        var fixedUp = await TargetVerifier.VerifyAsync(folder, target.ConnectionString, cancellationToken: Ct);
        Assert.True(fixedUp.Ok, string.Join("; ", fixedUp.Errors));
        Assert.Equal(2, fixedUp.Warnings.Count(w => w.Code == ErrorCode.SchemaDrift));
        Assert.Equal(47L, fixedUp.Import!.TotalRows); // 3 countries, 10 customers, 30 orders, 4 tags
    }

    [Fact]
    public async Task A_dropped_column_a_missing_table_and_a_type_change_are_all_reported_at_once()
    {
        var (s, folder, target) = await SetUpAsync("alter table customer drop column email; drop table tag; alter table orders alter column total type numeric(12,3);");
        await using var _ = s;
        await using var __ = target;

        var outcome = await TargetVerifier.VerifyAsync(folder, target.ConnectionString, cancellationToken: Ct);
        Assert.Equal([(ErrorCode.TargetColumnMissing, "email"), (ErrorCode.TargetTableMissing, null)],
            outcome.Errors.Select(e => (e.Code, e.Column)).ToList());
        var type = Assert.Single(outcome.Warnings);
        Assert.Contains("numeric(10,2) in the seed, numeric(12,3) in the target", type.Message);
    }

    [Fact]
    public async Task A_foreign_key_the_seed_violates_is_found_by_the_rehearsed_import()
    {
        var (s, folder, target) = await SetUpAsync(
            "create table region (code text primary key); alter table country add column region text references region deferrable initially deferred;" +
            "alter table country alter column region set default 'EU';");
        await using var _ = s;
        await using var __ = target;

        var (code, _, error) = await Run("verify", folder, "--against", target.ConnectionString);
        Assert.Equal(1, code);
        Assert.Contains("error PGSEED044", error);
        Assert.Contains("country", error);
        Assert.Equal(0L, await target.ScalarAsync<long>("select count(*) from country"));
    }

    [Fact]
    public async Task Offline_problems_come_first_and_nothing_is_imported()
    {
        var (s, folder, target) = await SetUpAsync(null);
        await using var _ = s;
        await using var __ = target;
        File.Delete(Path.Combine(folder, "public.tag.csv"));

        var (code, _, error) = await Run("verify", folder, "--against", target.ConnectionString);
        Assert.Equal(1, code);
        Assert.Contains("error PGSEED032", error);
        Assert.Equal(2, (await Run("verify", folder, "--truncate")).Code);
    }
}
