using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Seed;
using PgSeed.Engine.Tests.Infrastructure;

namespace PgSeed.Engine.Tests.Export;

/// <summary>
/// Partitioned tables whose FKs are declared on the partitions, not on the partitioned table (issue #19, 1 and 5):
/// the FKs are followed both ways for the partitioned table, which the seed holds as one CSV; a partition named as
/// the root stands for its rows; schema.sql creates the partitions (every export here also checks that).
/// </summary>
[Trait("Category", "Matrix")] // build/test.sh runs these on every PostgreSQL major
public class PartitionExportTests(PostgresFixture pg)
{
    private Task<ExportScenario> PagilaAsync() => ExportScenario.CreateAsync(pg, RealWorldSchemas.Pagila, RealWorldSchemas.PagilaData);

    [Fact]
    public async Task Rows_of_partitions_come_along_as_children_of_the_rows_the_partitions_FKs_reference()
    {
        await using var s = await PagilaAsync();
        var (report, folder) = await s.ExportAsync(s.Request(new RootSelection { Table = "customer", Filter = "where customer_id = 1" }));

        await s.AssertMatchesOracleAsync(folder, [("customer", "where customer_id = 1")]);
        Assert.Equal(26, report.Tables.Single(t => t.Table == "public.payment").Rows);
        Assert.DoesNotContain(report.Tables, t => t.Table.StartsWith("public.payment_", StringComparison.Ordinal));
        var manifest = ManifestSerializer.Read(folder);
        Assert.Contains(manifest.ForeignKeys, f => f.Table == "public.payment" && f.References == "public.customer");
    }

    [Fact]
    public async Task Parents_of_rows_in_partitions_are_exported()
    {
        const string week = "where payment_date >= '2024-02-10' and payment_date < '2024-02-17'";
        await using var s = await PagilaAsync();
        var (report, folder) = await s.ExportAsync(s.Request(new RootSelection { Table = "payment", Filter = week }) with { Children = ChildrenMode.None });

        await s.AssertMatchesOracleAsync(folder, [("payment", week)], children: false);
        Assert.Equal(13, report.Tables.Single(t => t.Table == "public.payment").Rows);
        Assert.Equal(6, report.Tables.Single(t => t.Table == "public.customer").Rows);
        Assert.Equal(2, report.Tables.Single(t => t.Table == "public.staff").Rows);
    }

    [Theory]
    [InlineData("payment_2024_02", "where amount > 5")]
    [InlineData("public.payment_2024_02", "where payment_2024_02.amount > 5 order by payment_id limit 1000")]
    public async Task A_partition_named_as_the_root_selects_its_rows_of_the_partitioned_table(string root, string filter)
    {
        await using var s = await PagilaAsync();
        var log = new RecordingSeedLog();
        var request = s.Request(new RootSelection { Table = root, Filter = filter });
        await SeedExporter.ExportAsync(request, log, TestContext.Current.CancellationToken);

        await s.AssertMatchesOracleAsync(request.OutputDirectory, [("payment", "where tableoid = 'payment_2024_02'::regclass and amount > 5")]);
        var manifest = ManifestSerializer.Read(request.OutputDirectory);
        Assert.Equal("public.payment_2024_02", manifest.Definition.Roots[0].Table);
        Assert.Equal(await s.Source.ScalarAsync<long>("select count(*) from payment_2024_02 where amount > 5"), manifest.Tables.Single(t => t.Name == "public.payment").Rows);
        Assert.Contains(log.Of("detail"), d => d.Contains("root public.payment_2024_02 is a partition of public.payment"));
    }

    [Fact]
    public async Task A_partition_named_where_a_table_is_expected_is_refused_with_its_partitioned_table()
    {
        await using var s = await PagilaAsync();
        var e = await Assert.ThrowsAsync<PgSeedException>(() => s.ExportAsync(
            s.Request(new RootSelection { Table = "customer" }) with { ExcludedTables = ["payment_2024_01"] }));
        Assert.Equal(ErrorCode.TableNotFound, e.Code);
        Assert.Contains("is a partition of public.payment", e.Message);
    }

    [Fact]
    public async Task An_FK_declared_on_partitions_is_excluded_by_any_of_its_constraint_names()
    {
        await using var s = await PagilaAsync();
        var (report, folder) = await s.ExportAsync(s.Request(new RootSelection { Table = "customer", Filter = "where customer_id = 1" })
            with { ExcludedEdges = ["payment_2024_03.payment_2024_03_customer_id_fkey"] });
        Assert.DoesNotContain(report.Tables, t => t.Table == "public.payment");
        await s.AssertMatchesOracleAsync(folder, [("customer", "where customer_id = 1")],
            excludedEdges: ["payment_2024_01_customer_id_fkey", "payment_2024_02_customer_id_fkey", "payment_2024_03_customer_id_fkey"]);
    }

    [Fact]
    public async Task An_FK_declared_on_some_partitions_only_is_followed_for_every_row()
    {
        // The default partition has no FK: its rows that match a customer are exported with the others (a superset,
        // never an orphan), and the partitioned table is not treated as complete below a complete customer table.
        const string schema = """
            create table customer(id int primary key);
            create table payment(id int not null, customer_id int not null, at date not null, primary key (id, at)) partition by range (at);
            create table payment_2024 partition of payment for values from ('2024-01-01') to ('2025-01-01');
            create table payment_other partition of payment default;
            alter table payment_2024 add constraint payment_2024_customer_fkey foreign key (customer_id) references customer;
            """;
        const string data = """
            insert into customer values (1), (2);
            insert into payment values (1, 1, '2024-03-01'), (2, 2, '2024-04-01'), (3, 1, '2026-01-01'), (4, 99, '2026-01-01');
            """;
        await using var s = await ExportScenario.CreateAsync(pg, schema, data);
        var (byFilter, folder) = await s.ExportAsync(s.Request(new RootSelection { Table = "customer", Filter = "where id = 1" }));
        await s.AssertMatchesOracleAsync(folder, [("customer", "where id = 1")]);
        Assert.Equal(2, byFilter.Tables.Single(t => t.Table == "public.payment").Rows);

        var (all, allFolder) = await s.ExportAsync(s.Request(new RootSelection { Table = "customer" }));
        await s.AssertMatchesOracleAsync(allFolder, [("customer", null)]);
        Assert.Equal(3, all.Tables.Single(t => t.Table == "public.payment").Rows);
    }
}
