using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Import;
using PgSeed.Engine.Tests.Infrastructure;
using static PgSeed.Engine.Tests.Import.ImportTestKit;

namespace PgSeed.Engine.Tests.Import;

/// <summary>Cycles and self-references load without superuser; the final state satisfies every FK.</summary>
[Trait("Category", "Matrix")] // build/test.sh runs these on every PostgreSQL major
public class ImportForeignKeyTests(PostgresFixture pg)
{
    private const string GrantsWithoutOwnership = """
        grant usage on schema public to {0};
        grant select, insert, update, delete, truncate on all tables in schema public to {0};
        grant select, update, usage on all sequences in schema public to {0};
        """;

    private static string Grants(TestRole role) => string.Format(GrantsWithoutOwnership, $"\"{role.Name}\"");

    [Theory]
    [InlineData(ImportMode.Append)]
    [InlineData(ImportMode.Truncate)]
    [InlineData(ImportMode.Upsert)]
    public async Task Owner_without_superuser_loads_cycle_and_self_reference_in_every_mode(ImportMode mode)
    {
        await using var role = await TestRole.CreateAsync(pg.Server);
        await using var source = await pg.CreateDatabaseAsync(Schema() + Data);
        await using var target = await pg.CreateDatabaseAsync();
        await target.ExecuteAsync(AsOwner(role, Schema()));
        if (mode != ImportMode.Append) await target.ExecuteAsync(Data + "update customer set name = 'old';");
        var seed = await TestSeedFolders.FromDatabaseAsync(source.ConnectionString, Tables);

        var report = await ImportAsync(role.ConnectionStringFor(target), seed, mode);

        Assert.Equal(await SnapshotAsync(source), await SnapshotAsync(target));
        Assert.Contains("public.dept.dept_head_fk", report.DroppedForeignKeys);
        Assert.Contains("public.employee.employee_manager_id_fkey", report.DroppedForeignKeys);
        Assert.Empty(report.DeferredForeignKeys);
        // Every FK is back, validated.
        Assert.Equal(5L, await target.ScalarAsync<long>("select count(*) from pg_constraint where contype = 'f' and convalidated"));
    }

    [Fact]
    public async Task Non_owner_cannot_load_a_non_deferrable_cycle_and_is_told_which_fk()
    {
        await using var role = await TestRole.CreateAsync(pg.Server);
        await using var source = await pg.CreateDatabaseAsync(Schema() + Data);
        await using var target = await pg.CreateDatabaseAsync(Schema() + Grants(role));
        var seed = await TestSeedFolders.FromDatabaseAsync(source.ConnectionString, Tables);

        var e = await FailsAsync(ErrorCode.CycleNotLoadable, () => ImportAsync(role.ConnectionStringFor(target), seed));

        Assert.Equal("public.dept", e.Table);
        Assert.Contains("dept_head_fk", e.Message);
        Assert.Contains("(public.dept -> public.staff -> public.dept)", e.Message); // which cycle
        Assert.Equal(0L, await target.ScalarAsync<long>("select count(*) from customer"));
    }

    [Theory]
    [InlineData(ImportMode.Append)]
    [InlineData(ImportMode.Truncate)]
    [InlineData(ImportMode.Upsert)]
    public async Task Non_owner_defers_a_deferrable_cycle_and_checks_forward_fks_per_row(ImportMode mode)
    {
        await using var role = await TestRole.CreateAsync(pg.Server);
        await using var source = await pg.CreateDatabaseAsync(Schema(deferrableCycle: true) + Data);
        await using var target = await pg.CreateDatabaseAsync(Schema(deferrableCycle: true) + (mode == ImportMode.Append ? "" : Data) + Grants(role));
        var seed = await TestSeedFolders.FromDatabaseAsync(source.ConnectionString, Tables);

        var report = await ImportAsync(role.ConnectionStringFor(target), seed, mode);

        Assert.Equal(await SnapshotAsync(source), await SnapshotAsync(target));
        Assert.Equal(new[] { "public.dept.dept_head_fk" }, report.DeferredForeignKeys);
        Assert.Empty(report.DroppedForeignKeys);
        Assert.Equal(5L, await target.ScalarAsync<long>("select count(*) from pg_constraint where contype = 'f'"));
    }

    [Fact]
    public async Task Deferred_fk_violated_at_commit_is_reported_and_rolled_back()
    {
        await using var role = await TestRole.CreateAsync(pg.Server);
        await using var target = await pg.CreateDatabaseAsync(Schema(deferrableCycle: true) + Grants(role));
        var seed = await TestSeedFolders.FromCsvAsync(("public.dept", "id,name,head_id\n1,a,77\n"), ("public.staff", "id,dept_id,name\n10,1,x\n"));

        var e = await FailsAsync(ErrorCode.ForeignKeyViolation, () => ImportAsync(role.ConnectionStringFor(target), seed));

        Assert.Equal("public.dept", e.Table);
        Assert.Contains("dept_head_fk", e.Message);
        Assert.Equal(0L, await target.ScalarAsync<long>("select count(*) from dept"));
    }

    [Fact]
    public async Task Disable_triggers_needs_a_role_that_may_set_replica_mode()
    {
        await using var role = await TestRole.CreateAsync(pg.Server);
        await using var source = await pg.CreateDatabaseAsync(Schema() + Data);
        await using var target = await pg.CreateDatabaseAsync();
        await target.ExecuteAsync(AsOwner(role, Schema()));
        var seed = await TestSeedFolders.FromDatabaseAsync(source.ConnectionString, Tables);

        await FailsAsync(ErrorCode.PermissionDenied, () => ImportAsync(role.ConnectionStringFor(target), seed, disableTriggers: true));

        // The test server's admin is a superuser: triggers off, every FK re-added and validated.
        var log = new RecordingSeedLog();
        await ImportAsync(target.ConnectionString, seed, disableTriggers: true, log: log);
        Assert.Contains(ImportStatementsText.DisableTriggers, log.Of("sql"));
        Assert.Equal(await SnapshotAsync(source), await SnapshotAsync(target));
    }

    [Fact]
    public async Task Fk_to_a_table_outside_the_seed_is_checked_against_the_target()
    {
        await using var target = await pg.CreateDatabaseAsync(Schema() + "insert into customer (name) values ('only');");
        var good = await TestSeedFolders.FromCsvAsync(("public.orders", "id,customer_id,handled_by,total\n1,1,,5\n"));
        var bad = await TestSeedFolders.FromCsvAsync(("public.orders", "id,customer_id,handled_by,total\n2,2,,5\n"));

        await FailsAsync(ErrorCode.ForeignKeyViolation, () => ImportAsync(target.ConnectionString, bad));
        await ImportAsync(target.ConnectionString, good);

        Assert.Equal(1L, await target.ScalarAsync<long>("select count(*) from orders"));
    }

    /// <summary>Statement texts the tests look for.</summary>
    private static class ImportStatementsText
    {
        public const string DisableTriggers = "SET LOCAL session_replication_role = replica";
    }
}
