using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Import;
using PgSeed.Engine.Seed;
using PgSeed.Engine.Tests.Infrastructure;
using static PgSeed.Engine.Tests.Import.ImportTestKit;

namespace PgSeed.Engine.Tests.Import;

/// <summary>A refused import leaves the target exactly as it was, sequences included, and says precisely why.</summary>
public class ImportLeavesTargetTests(PostgresFixture pg)
{
    private const string Shop = """
        create table customer (id serial primary key, name text);
        create table orders (id serial primary key, customer_id int not null references customer(id){0});
        select setval('customer_id_seq', 2000);
        select setval('orders_id_seq', 70);
        """;

    /// <summary>orders references customer 99, which neither the seed nor the target has (the manifest is re-signed).</summary>
    private static Task<string> BrokenSeedAsync() => TestSeedFolders.FromCsvAsync(
        ("public.customer", "id,name\n1,a\n30000,b\n"),
        ("public.orders", "id,customer_id\n500,1\n501,99\n"));

    private static async Task<(long Customer, long Orders)> SequencesAsync(TestDatabase db) =>
        (await db.ScalarAsync<long>("select last_value from customer_id_seq"), await db.ScalarAsync<long>("select last_value from orders_id_seq"));

    [Theory]
    [InlineData(ImportMode.Append)]
    [InlineData(ImportMode.Truncate)]
    [InlineData(ImportMode.Upsert)]
    public async Task A_refused_import_moves_no_sequence(ImportMode mode)
    {
        await using var target = await pg.CreateDatabaseAsync(string.Format(Shop, ""));
        var seed = await BrokenSeedAsync();

        await FailsAsync(ErrorCode.ForeignKeyViolation, () => ImportAsync(target.ConnectionString, seed, mode));

        Assert.Equal((2000L, 70L), await SequencesAsync(target));
        Assert.Equal(0L, await target.ScalarAsync<long>("select count(*) from customer"));
    }

    [Fact]
    public async Task A_non_owner_import_refused_at_commit_moves_its_sequences_back()
    {
        // Not the owner: the deferrable FK is deferred to COMMIT and the sequences can only be moved by setval, which
        // the failed COMMIT does not undo. PgSeed moves them back.
        await using var role = await TestRole.CreateAsync(pg.Server);
        await using var target = await pg.CreateDatabaseAsync(string.Format(Shop, " deferrable") + $"""
            grant usage on schema public to "{role.Name}";
            grant select, insert on all tables in schema public to "{role.Name}";
            grant select, update on all sequences in schema public to "{role.Name}";
            """);
        var seed = await BrokenSeedAsync();
        var log = new RecordingSeedLog();

        var e = await FailsAsync(ErrorCode.ForeignKeyViolation, () => ImportAsync(role.ConnectionStringFor(target), seed, log: log));

        Assert.Contains("orders_customer_id_fkey", e.Message);
        Assert.Contains(log.Of("sql"), s => s.Contains("setval")); // the sequences did move
        Assert.Equal((2000L, 70L), await SequencesAsync(target));  // and are back
        Assert.Empty(log.Of("warning"));
    }

    [Theory]
    [InlineData(ImportMode.Append)]
    [InlineData(ImportMode.Truncate)]
    [InlineData(ImportMode.Upsert)]
    public async Task A_key_twice_in_the_seed_is_refused_in_every_mode_naming_the_key_and_both_records(ImportMode mode)
    {
        await using var target = await pg.CreateDatabaseAsync("create table c (id int primary key, name text); insert into c values (1, 'old');");
        // Key 5 twice (new to the target), with a value spanning two lines before the second one.
        var seed = await TestSeedFolders.FromCsvAsync(("public.c", "id,name\n5,a\n2,\"two\nlines\"\n5,b\n"));
        if (mode == ImportMode.Upsert) // the reported case: the key exists in the target
            seed = await TestSeedFolders.FromCsvAsync(("public.c", "id,name\n1,a\n2,\"two\nlines\"\n1,b\n"));
        var key = mode == ImportMode.Upsert ? 1 : 5;

        var e = await FailsAsync(ErrorCode.DuplicateKeyInSeed, () => ImportAsync(target.ConnectionString, seed, mode));

        Assert.Equal("public.c", e.Table);
        Assert.Contains($"key (id)=({key})", e.Message);
        Assert.Contains("record 2 (line 2)", e.Message);
        Assert.Contains("record 4 (line 5)", e.Message);
        Assert.Equal((4, 5), (e.Record, e.Line));
        Assert.Equal(new[] { "1:old" }, await target.ColumnAsync("select id || ':' || name from c"));
    }

    [Fact]
    public async Task A_row_colliding_with_the_target_in_append_mode_keeps_its_advice()
    {
        await using var target = await pg.CreateDatabaseAsync("create table c (id int primary key, name text); insert into c values (1, 'old');");
        var seed = await TestSeedFolders.FromCsvAsync(("public.c", "id,name\n2,a\n1,b\n"));

        var e = await FailsAsync(ErrorCode.UniqueViolation, () => ImportAsync(target.ConnectionString, seed));

        Assert.Contains("record 3 (line 3)", e.Message);
        Assert.Contains("ImportRequest.Mode = Truncate", e.Message);
    }

    [Fact]
    public async Task Under_truncate_a_duplicate_does_not_talk_about_append_mode()
    {
        // A unique constraint of the target the seed's source did not have: two seed rows share an email.
        await using var target = await pg.CreateDatabaseAsync("create table c (id int primary key, email text unique);");
        var seed = await TestSeedFolders.FromCsvAsync(("public.c", "id,email\n1,a@x\n2,a@x\n"));

        var e = await FailsAsync(ErrorCode.DuplicateKeyInSeed, () => ImportAsync(target.ConnectionString, seed, ImportMode.Truncate));

        Assert.Contains("key (email)=(a@x)", e.Message);
        Assert.DoesNotContain("append", e.Message);
    }

    [Fact]
    public async Task Under_truncate_a_violation_PgSeed_cannot_trace_to_two_records_gives_truncate_advice()
    {
        // An expression index: the two rows collide on lower(email), which no column of the CSV holds.
        await using var target = await pg.CreateDatabaseAsync("create table c (id int primary key, email text); create unique index c_email on c (lower(email));");
        var seed = await TestSeedFolders.FromCsvAsync(("public.c", "id,email\n1,A@x\n2,a@X\n"));

        var e = await FailsAsync(ErrorCode.UniqueViolation, () => ImportAsync(target.ConnectionString, seed, ImportMode.Truncate));

        Assert.DoesNotContain("append", e.Message);
        Assert.Contains("unique constraints", e.Message);
        Assert.Contains("record 3 (line 3)", e.Message);
    }

    [Fact]
    public async Task Errors_name_the_record_and_the_physical_lines()
    {
        await using var target = await pg.CreateDatabaseAsync("create table c (id int primary key, name text);");
        // Record 3 spans lines 3-4; record 4, whose id is bad, spans lines 5-6.
        var seed = await TestSeedFolders.FromCsvAsync(("public.c", "id,name\n1,a\n2,\"b\nb\"\nx,\"c\nc\"\n"));

        var e = await FailsAsync(ErrorCode.BadValue, () => ImportAsync(target.ConnectionString, seed));

        Assert.Contains("c.csv record 4 (lines 5-6), column id", e.Message);
        Assert.Equal((4, 5), (e.Record, e.Line));
    }

    [Fact]
    public async Task Only_fks_on_a_real_cycle_are_broken_so_a_non_owner_loads_a_table_hanging_off_a_cycle()
    {
        // p <-> q is a cycle the role owns (it drops and re-adds those FKs); c belongs to someone else and references p
        // through a nullable FK on no cycle. c must load after p, or the role could neither drop nor defer that FK.
        const string owned = """
            create table p (id int primary key, q_id int not null);
            create table q (id int primary key, p_id int not null references p(id));
            alter table p add constraint p_q_fk foreign key (q_id) references q(id);
            """;
        const string foreign = "create table c (id int primary key, p_id int references p(id));";
        const string rows = """
            set session_replication_role = replica;
            insert into p values (1, 1); insert into q values (1, 1); insert into c values (1, 1), (2, null);
            set session_replication_role = origin;
            """;
        await using var role = await TestRole.CreateAsync(pg.Server);
        await using var source = await pg.CreateDatabaseAsync(owned + foreign + rows);
        await using var target = await pg.CreateDatabaseAsync();
        await target.ExecuteAsync(AsOwner(role, owned) + foreign + $"grant select, insert on c to \"{role.Name}\";");
        var folder = TestSeedFolders.NewFolder();
        await SeedExporter.ExportAsync(new ExportRequest
        {
            ConnectionString = source.ConnectionString, OutputDirectory = folder, Roots = [new RootSelection { Table = "c" }],
        }, cancellationToken: TestContext.Current.CancellationToken);
        var order = ManifestSerializer.Read(folder).Tables.Select(t => t.Table).ToList();
        Assert.True(order.IndexOf("p") < order.IndexOf("c"), string.Join(", ", order));

        var log = new RecordingSeedLog();
        var report = await ImportAsync(role.ConnectionStringFor(target), folder, log: log);

        Assert.Equal(new[] { "1", "2" }, await target.ColumnAsync("select id from c order by id"));
        Assert.DoesNotContain(report.DroppedForeignKeys, fk => fk.StartsWith("public.c", StringComparison.Ordinal));
        Assert.Contains(log.Of("detail"), d => d.Contains("p_q_fk: dropped") && d.Contains("on a cycle"));
    }

    [Fact]
    public async Task Every_missing_privilege_is_listed_before_anything_is_written()
    {
        await using var role = await TestRole.CreateAsync(pg.Server);
        await using var target = await pg.CreateDatabaseAsync($"""
            create table c (id serial primary key, name text);
            insert into c (name) values ('kept');
            grant usage on schema public to "{role.Name}";
            grant select, insert on c to "{role.Name}";
            grant select on sequence c_id_seq to "{role.Name}";
            """);
        var seed = await TestSeedFolders.FromCsvAsync(("public.c", "id,name\n7,a\n"));

        var e = await FailsAsync(ErrorCode.PermissionDenied, () => ImportAsync(role.ConnectionStringFor(target), seed, ImportMode.Truncate));

        Assert.Contains("TRUNCATE on public.c", e.Message);
        Assert.Contains("UPDATE on sequence", e.Message);
        Assert.Contains("GRANT TRUNCATE ON \"public\".\"c\"", e.Message);
        Assert.Contains("GRANT SELECT, UPDATE ON SEQUENCE", e.Message);
        Assert.Equal(new[] { "kept" }, await target.ColumnAsync("select name from c"));
    }
}
