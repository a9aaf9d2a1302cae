using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Import;
using PgSeed.Engine.Seed;
using PgSeed.Engine.Tests.Infrastructure;
using static PgSeed.Engine.Tests.Import.ImportTestKit;

namespace PgSeed.Engine.Tests.Import;

/// <summary>Every failure leaves the target exactly as it was (rows and FKs), with an error naming what is wrong.</summary>
public class ImportAtomicityTests(PostgresFixture pg)
{
    private async Task<(TestDatabase Source, TestDatabase Target, string Seed, List<string> Before)> ArrangeAsync(
        string targetExtra = "", bool targetHasSeedRows = true)
    {
        var source = await pg.CreateDatabaseAsync(Schema() + Data + "insert into customer (name) values ('new one');");
        var target = await pg.CreateDatabaseAsync(Schema() + (targetHasSeedRows ? Data : "insert into customer values (1000, 'existing');") + targetExtra);
        var seed = await TestSeedFolders.FromDatabaseAsync(source.ConnectionString, Tables);
        return (source, target, seed, await SnapshotAsync(target));
    }

    private static async Task AssertUnchangedAsync(TestDatabase target, List<string> before)
    {
        Assert.Equal(before, await SnapshotAsync(target));
        Assert.Equal(5L, await target.ScalarAsync<long>("select count(*) from pg_constraint where contype = 'f'"));
    }

    [Theory]
    [InlineData(ImportMode.Append)]
    [InlineData(ImportMode.Truncate)]
    [InlineData(ImportMode.Upsert)]
    public async Task Bad_row_in_last_table_rolls_back_everything_and_names_file_line_and_column(ImportMode mode)
    {
        var (source, target, seed, before) = await ArrangeAsync(targetHasSeedRows: mode != ImportMode.Append);
        await using var _ = source;
        await using var __ = target;
        var staff = Path.Combine(seed, "public.staff.csv");
        var lines = (await File.ReadAllLinesAsync(staff, TestContext.Current.CancellationToken)).ToList();
        lines[2] = "21,not-a-number,Fay"; // third record = line 3 of the file
        await File.WriteAllLinesAsync(staff, lines, TestContext.Current.CancellationToken);
        await TestSeedFolders.RefreshManifestAsync(seed);

        var e = await FailsAsync(ErrorCode.BadValue, () => ImportAsync(target.ConnectionString, seed, mode));

        Assert.Equal("public.staff", e.Table);
        Assert.Equal(3, e.Line);
        Assert.Equal("dept_id", e.Column);
        Assert.EndsWith("public.staff.csv", e.File);
        await AssertUnchangedAsync(target, before);
    }

    [Fact]
    public async Task Truncated_csv_is_rejected_before_any_write()
    {
        var (source, target, seed, before) = await ArrangeAsync();
        await using var _ = source;
        await using var __ = target;
        var file = Path.Combine(seed, "public.orders.csv");
        var bytes = await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(file, bytes[..^4], TestContext.Current.CancellationToken);
        await TestSeedFolders.RefreshManifestAsync(seed); // checksum now matches: only the truncation is left to find

        var e = await FailsAsync(ErrorCode.CsvHeaderInvalid, () => ImportAsync(target.ConnectionString, seed, ImportMode.Truncate));
        Assert.Equal("public.orders", e.Table);
        await AssertUnchangedAsync(target, before);
    }

    [Fact]
    public async Task Checksum_mismatch_is_rejected_before_any_write()
    {
        var (source, target, seed, before) = await ArrangeAsync();
        await using var _ = source;
        await using var __ = target;
        var file = Path.Combine(seed, "public.customer.csv");
        await File.WriteAllTextAsync(file, (await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken)).Replace("Ada", "Adb"), TestContext.Current.CancellationToken);

        var e = await FailsAsync(ErrorCode.ChecksumMismatch, () => ImportAsync(target.ConnectionString, seed, ImportMode.Truncate));
        Assert.Equal("public.customer", e.Table);
        await AssertUnchangedAsync(target, before);
    }

    [Fact]
    public async Task Renamed_column_in_target_is_named_before_any_write()
    {
        var (source, target, seed, before) = await ArrangeAsync("alter table staff rename column name to full_name;");
        await using var _ = source;
        await using var __ = target;

        var e = await FailsAsync(ErrorCode.TargetColumnMissing, () => ImportAsync(target.ConnectionString, seed, ImportMode.Truncate));
        Assert.Equal("public.staff", e.Table);
        Assert.Equal("name", e.Column);
        await AssertUnchangedAsync(target, before);
    }

    [Fact]
    public async Task Missing_table_and_required_column_are_named()
    {
        await using var target = await pg.CreateDatabaseAsync("create table a (id int primary key, must text not null, opt text default 'x');");
        var missingTable = await TestSeedFolders.FromCsvAsync(("public.a", "id,must\n"), ("public.nope", "id\n1\n"));
        var e = await FailsAsync(ErrorCode.TargetTableMissing, () => ImportAsync(target.ConnectionString, missingTable));
        Assert.Equal("public.nope", e.Table);

        var missingColumn = await TestSeedFolders.FromCsvAsync(("public.a", "id,opt\n1,y\n"));
        e = await FailsAsync(ErrorCode.RequiredColumnMissing, () => ImportAsync(target.ConnectionString, missingColumn));
        Assert.Equal(("public.a", "must"), (e.Table, e.Column));

        // A column the CSV lacks but the table can fill gets its default.
        var ok = await TestSeedFolders.FromCsvAsync(("public.a", "id,must\n1,m\n"));
        await ImportAsync(target.ConnectionString, ok);
        Assert.Equal(new[] { "x" }, await target.ColumnAsync("select opt from a"));
    }

    [Fact]
    public async Task Duplicate_key_in_append_mode_fails_with_unique_violation_and_changes_nothing()
    {
        var (source, target, seed, before) = await ArrangeAsync();
        await using var _ = source;
        await using var __ = target;

        var e = await FailsAsync(ErrorCode.UniqueViolation, () => ImportAsync(target.ConnectionString, seed));
        Assert.Equal("public.customer", e.Table);
        Assert.Contains("(id)=(1)", e.Message);
        await AssertUnchangedAsync(target, before);
    }

    [Fact]
    public async Task Dangling_reference_fails_when_the_fk_is_re_added_and_the_fk_survives()
    {
        await using var source = await pg.CreateDatabaseAsync(Schema() + Data);
        await using var target = await pg.CreateDatabaseAsync(Schema());
        var seed = await TestSeedFolders.FromDatabaseAsync(source.ConnectionString, Tables);
        var orders = Path.Combine(seed, "public.orders.csv");
        await File.WriteAllTextAsync(orders, (await File.ReadAllTextAsync(orders, TestContext.Current.CancellationToken)).Replace("\n3,3,", "\n3,99,"), TestContext.Current.CancellationToken);
        await TestSeedFolders.RefreshManifestAsync(seed);
        var before = await SnapshotAsync(target);

        var e = await FailsAsync(ErrorCode.ForeignKeyViolation, () => ImportAsync(target.ConnectionString, seed, ImportMode.Truncate));

        Assert.Equal("public.orders", e.Table);
        Assert.Contains("orders_customer_id_fkey", e.Message);
        Assert.Contains("(customer_id)=(99)", e.Message);
        await AssertUnchangedAsync(target, before);
    }

    [Fact]
    public async Task Cancellation_rolls_back()
    {
        var (source, target, seed, before) = await ArrangeAsync();
        await using var _ = source;
        await using var __ = target;
        using var cts = new CancellationTokenSource();
        var log = new CancelOnSql(cts, "-- from public.orders.csv");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ImportAsync(target.ConnectionString, seed, ImportMode.Truncate, log, ct: cts.Token));
        await AssertUnchangedAsync(target, before);
    }

    /// <summary>Fires the token when the importer is about to run a given statement.</summary>
    private sealed class CancelOnSql(CancellationTokenSource cts, string prefix) : ISeedLog
    {
        public void Summary(string message) { }
        public void Detail(string message) { }
        public void Warning(string code, string message) { }
        public void Sql(string sql)
        {
            if (sql.StartsWith(prefix, StringComparison.Ordinal)) cts.Cancel();
        }
    }
}
