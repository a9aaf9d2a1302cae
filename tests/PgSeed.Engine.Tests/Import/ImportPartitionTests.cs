using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Import;
using PgSeed.Engine.Tests.Infrastructure;
using static PgSeed.Engine.Tests.Import.ImportTestKit;

namespace PgSeed.Engine.Tests.Import;

/// <summary>
/// Importing into partitioned tables whose FKs are declared on the partitions (issue #19, 1): truncate takes the
/// partitioned tables that reference the seed along, the partitions' constraints are dropped and re-added like any
/// other, and no mode (triggers off included) leaves a row behind that violates one.
/// </summary>
[Trait("Category", "Matrix")] // build/test.sh runs these on every PostgreSQL major
public class ImportPartitionTests(PostgresFixture pg)
{
    private static readonly string[] Tables = ["public.store", "public.customer", "public.staff", "public.payment"];

    [Fact]
    public async Task Truncate_of_a_seed_without_the_partitioned_table_takes_it_along_when_empty_and_names_it_otherwise()
    {
        await using var source = await pg.CreateDatabaseAsync(RealWorldSchemas.Pagila + RealWorldSchemas.PagilaData);
        await using var empty = await pg.CreateDatabaseAsync(RealWorldSchemas.Pagila);
        await using var full = await pg.CreateDatabaseAsync(RealWorldSchemas.Pagila + RealWorldSchemas.PagilaData);
        var seed = await TestSeedFolders.FromDatabaseAsync(source.ConnectionString, "public.store", "public.customer");

        // A fresh database or a test template: payment is empty, so it is truncated with the seed's tables.
        var log = new RecordingSeedLog();
        var report = await ImportAsync(empty.ConnectionString, seed, ImportMode.Truncate, log);
        Assert.Equal(8, report.TotalRows);
        Assert.Contains(log.Of("sql"), s => s.StartsWith("TRUNCATE TABLE \"public\".\"store\", \"public\".\"customer\", \"public\".\"payment\"", StringComparison.Ordinal));

        // Payment rows would be lost (or orphaned): refused before any write, naming the partitioned table.
        var e = await FailsAsync(ErrorCode.TruncateReferenced, () => ImportAsync(full.ConnectionString, seed, ImportMode.Truncate));
        Assert.Equal("public.payment", e.Table);
        Assert.Contains("payment_2024_01_customer_id_fkey", e.Message);
        Assert.Equal(151L, await full.ScalarAsync<long>("select count(*) from payment"));
    }

    [Theory]
    [InlineData(ImportMode.Append)]
    [InlineData(ImportMode.Truncate)]
    [InlineData(ImportMode.Upsert)]
    public async Task Constraints_of_partitions_are_dropped_and_re_added_like_any_FK(ImportMode mode)
    {
        await using var source = await pg.CreateDatabaseAsync(RealWorldSchemas.Pagila + RealWorldSchemas.PagilaData);
        await using var target = await pg.CreateDatabaseAsync(RealWorldSchemas.Pagila +
            (mode == ImportMode.Append ? "" : RealWorldSchemas.PagilaData + "delete from payment where customer_id = 2; update payment set amount = 0"));
        var seed = await TestSeedFolders.FromDatabaseAsync(source.ConnectionString, Tables);
        var log = new RecordingSeedLog();

        var report = await ImportAsync(target.ConnectionString, seed, mode, log);

        Assert.Equal(await SnapshotAsync(source, Tables), await SnapshotAsync(target, Tables));
        Assert.Contains("public.payment_2024_02.payment_2024_02_customer_id_fkey", report.DroppedForeignKeys);
        Assert.Contains(log.Of("sql"), s => s.StartsWith("ALTER TABLE \"public\".\"payment_2024_02\" ADD CONSTRAINT \"payment_2024_02_customer_id_fkey\"", StringComparison.Ordinal));
        Assert.Equal(6L, await target.ScalarAsync<long>("select count(*) from pg_constraint where contype = 'f' and conrelid::regclass::text like 'payment_%'"));
    }

    [Theory]
    [InlineData(ImportMode.Append, false)]
    [InlineData(ImportMode.Append, true)]
    [InlineData(ImportMode.Truncate, true)]
    [InlineData(ImportMode.Upsert, true)]
    public async Task No_mode_leaves_a_row_violating_an_FK_declared_on_a_partition(ImportMode mode, bool disableTriggers)
    {
        await using var source = await pg.CreateDatabaseAsync(RealWorldSchemas.Pagila + RealWorldSchemas.PagilaData);
        await using var target = await pg.CreateDatabaseAsync(RealWorldSchemas.Pagila + (mode == ImportMode.Append ? "" : RealWorldSchemas.PagilaData));
        var seed = await TestSeedFolders.FromDatabaseAsync(source.ConnectionString, Tables);
        // One payment of February now references customer 99, which the seed does not hold.
        var csv = Path.Combine(seed, "public.payment.csv");
        var lines = File.ReadAllLines(csv).ToList();
        var february = lines.FindIndex(l => l.Contains(",2024-02-10", StringComparison.Ordinal));
        var fields = lines[february].Split(',');
        fields[1] = "99";
        lines[february] = string.Join(",", fields);
        await File.WriteAllTextAsync(csv, string.Join("\n", lines) + "\n", TestContext.Current.CancellationToken);
        await TestSeedFolders.RefreshManifestAsync(seed);
        var before = await SnapshotAsync(target, Tables);

        var e = await FailsAsync(ErrorCode.ForeignKeyViolation, () => ImportAsync(target.ConnectionString, seed, mode, disableTriggers: disableTriggers));

        Assert.Contains("payment_2024_02_customer_id_fkey", e.Message);
        Assert.Equal(before, await SnapshotAsync(target, Tables));
    }
}
