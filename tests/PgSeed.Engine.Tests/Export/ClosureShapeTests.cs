using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Tests.Infrastructure;

namespace PgSeed.Engine.Tests.Export;

/// <summary>
/// The closure stores row sets in three shapes (see docs/export.md): whole rows in a temporary table, with a
/// unique key where rows can arrive more than once (<c>purchase</c>) and without where they cannot (<c>line</c>:
/// one FK fills it, its rows lead to <c>product</c>); narrow key tables for keyless tables; nothing for
/// single-entry leaves read only by the copy (<c>refund</c>, keyless <c>receipt</c>, <c>shipment_event</c> by a
/// composite FK). Whatever the shape,
/// the seed holds exactly the oracle's rows, in the order of the table's own key and collation.
/// </summary>
[Trait("Category", "Matrix")] // build/test.sh runs these on every PostgreSQL major
public class ClosureShapeTests(PostgresFixture pg)
{
    private const string Schema = """
        CREATE TABLE customer (id int PRIMARY KEY, name text NOT NULL);
        CREATE TABLE product (sku text COLLATE "C" PRIMARY KEY, name text NOT NULL);
        CREATE TABLE purchase (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES customer, gift_for int REFERENCES customer);
        CREATE TABLE line (purchase_id int NOT NULL REFERENCES purchase, code text COLLATE "C" NOT NULL,
            sku text NOT NULL REFERENCES product, qty int NOT NULL, total int GENERATED ALWAYS AS (qty * 10) STORED,
            PRIMARY KEY (purchase_id, code));
        CREATE TABLE shipment (purchase_id int NOT NULL REFERENCES purchase, no int NOT NULL, carrier text, PRIMARY KEY (purchase_id, no));
        CREATE TABLE shipment_event (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, purchase_id int NOT NULL, no int NOT NULL, body text,
            FOREIGN KEY (purchase_id, no) REFERENCES shipment);
        CREATE TABLE refund (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, purchase_id int NOT NULL REFERENCES purchase, amount numeric(8,2));
        CREATE TABLE receipt (purchase_id int NOT NULL REFERENCES purchase, body text)
        """;

    // Purchase 12 is customer 2's gift to customer 1: a descendant of customer 1 through gift_for, so its lines,
    // shipments, refunds and receipts come along, and customer 2 comes as its parent (without customer 2's purchases).
    private const string Data = """
        INSERT INTO customer VALUES (1, 'Ada'), (2, 'Bob'), (3, 'Cy');
        INSERT INTO product VALUES ('a-1', 'lower'), ('B-2', 'upper'), ('c-3', 'lower again'), ('D-4', 'unused');
        INSERT INTO purchase VALUES (10, 1, NULL), (11, 1, 3), (12, 2, 1), (13, 2, NULL), (14, 3, NULL);
        INSERT INTO line (purchase_id, code, sku, qty) VALUES
            (10, 'b', 'a-1', 1), (10, 'B', 'B-2', 2), (10, 'a', 'c-3', 3), (11, 'Z', 'a-1', 1),
            (12, 'x', 'c-3', 5), (13, 'y', 'D-4', 1), (14, 'q', 'D-4', 2);
        INSERT INTO shipment VALUES (10, 1, 'post'), (12, 1, NULL), (13, 1, 'courier');
        INSERT INTO shipment_event (purchase_id, no, body) VALUES (10, 1, 'packed'), (12, 1, NULL), (13, 1, 'late');
        INSERT INTO refund (purchase_id, amount) VALUES (11, 5.00), (13, 1.50), (12, 2.25);
        INSERT INTO receipt VALUES (10, 'paper'), (10, 'paper'), (12, ''), (14, 'email')
        """;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Wide_and_derived_row_sets_export_exactly_the_closure_in_key_order(int parallel)
    {
        await using var s = await ExportScenario.CreateAsync(pg, Schema, Data);
        var log = new RecordingSeedLog();
        var request = s.Request(new RootSelection { Table = "customer", Filter = "where id = 1" }) with { Parallel = parallel };
        var report = await SeedExporter.ExportAsync(request, log, TestContext.Current.CancellationToken);
        await s.AssertMatchesOracleAsync(request.OutputDirectory, [("customer", "where id = 1")]);

        // The shapes this test is about, as the dry run shows them.
        var dry = new RecordingSeedLog();
        await SeedExporter.ExportAsync(request with { DryRun = true }, dry, TestContext.Current.CancellationToken);
        var sql = string.Join("\n", dry.Of("sql"));
        Assert.Contains("(LIKE \"public\".\"line\", pgseed_d boolean NOT NULL, pgseed_r integer NOT NULL)", sql);
        foreach (var derived in new[] { "shipment_event", "refund", "receipt" })
            Assert.Contains($"FROM \"public\".\"{derived}\" t WHERE (", sql);
        Assert.Contains("(LIKE \"public\".\"purchase\", pgseed_d boolean NOT NULL, pgseed_r integer NOT NULL, PRIMARY KEY (\"id\"))", sql);

        // Rows in the order of the key under the column's collation ("C": upper case first), generated column left out.
        var lines = await File.ReadAllLinesAsync(Path.Combine(request.OutputDirectory, "public.line.csv"), TestContext.Current.CancellationToken);
        Assert.Equal(["purchase_id,code,sku,qty", "10,B,B-2,2", "10,a,c-3,3", "10,b,a-1,1", "11,Z,a-1,1", "12,x,c-3,5"], lines);
        Assert.Equal(3, report.Tables.Single(t => t.Table == "public.receipt").Rows);
        Assert.Equal(2, report.Tables.Single(t => t.Table == "public.shipment_event").Rows);
    }

    [Fact]
    public async Task Parents_of_complete_tables_come_from_one_statement()
    {
        // Every purchase is a root, so purchase and the tables below it are complete; customer (through two FKs)
        // and product are reached only as their parents.
        await using var s = await ExportScenario.CreateAsync(pg, Schema, Data);
        var request = s.Request(new RootSelection { Table = "purchase" });
        await SeedExporter.ExportAsync(request, new RecordingSeedLog(), TestContext.Current.CancellationToken);
        await s.AssertMatchesOracleAsync(request.OutputDirectory, [("purchase", null)]);

        var dry = new RecordingSeedLog();
        await SeedExporter.ExportAsync(request with { DryRun = true, OutputDirectory = s.NewFolder() }, dry, TestContext.Current.CancellationToken);
        var sql = dry.Of("sql").ToList();
        Assert.Single(sql, q => q.StartsWith("INSERT INTO") && q.Contains("FROM \"public\".\"customer\" p") && q.Contains("\n   OR EXISTS"));
        Assert.DoesNotContain(sql, q => q.StartsWith("CREATE TEMP TABLE") && q.Contains("PRIMARY KEY"));
        var products = await File.ReadAllLinesAsync(Path.Combine(request.OutputDirectory, "public.product.csv"), TestContext.Current.CancellationToken);
        Assert.Equal(["sku,name", "B-2,upper", "D-4,unused", "a-1,lower", "c-3,lower again"], products);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Transforms_and_masks_apply_to_whole_row_and_derived_tables(int parallel)
    {
        await using var s = await ExportScenario.CreateAsync(pg, Schema, Data);
        var request = s.Request(new RootSelection { Table = "customer", Filter = "where id = 1" }) with
        {
            Parallel = parallel,
            Rules =
            [
                new TableRule { Table = "line", Transforms = new Dictionary<string, string> { ["qty"] = "qty * 100" } },
                new TableRule { Table = "refund", Transforms = new Dictionary<string, string> { ["amount"] = "0" } },
                new TableRule { Table = "receipt", Masks = new Dictionary<string, PgSeed.Engine.Shaping.ColumnMask> { ["body"] = new() { Kind = PgSeed.Engine.Shaping.MaskKind.Null } } },
            ],
        };
        await SeedExporter.ExportAsync(request, new RecordingSeedLog(), TestContext.Current.CancellationToken);
        await s.AssertSchemaSqlSufficesAsync(request.OutputDirectory);
        string[] Read(string table) => File.ReadAllLines(Path.Combine(request.OutputDirectory, $"public.{table}.csv"));
        Assert.Equal(["purchase_id,code,sku,qty", "10,B,B-2,200", "10,a,c-3,300", "10,b,a-1,100", "11,Z,a-1,100", "12,x,c-3,500"], Read("line"));
        Assert.Equal(["id,purchase_id,amount", "1,11,0", "3,12,0"], Read("refund"));
        Assert.Equal(["purchase_id,body", "10,", "10,", "12,"], Read("receipt"));
    }

    [Theory]
    [InlineData("where id = 1", true)]       // 1 new customer for ~2,000 purchases: probe the FK index with a key array
    [InlineData("where id > 0", false)]      // all 1,003 customers at once: a join over purchase costs less
    public async Task Few_new_parents_probe_an_indexed_fk_with_a_key_array(string filter, bool byKeys)
    {
        const string more = """
            ;
            CREATE INDEX ON purchase (customer_id);
            INSERT INTO customer SELECT g, 'C' || g FROM generate_series(100, 1099) g;
            INSERT INTO purchase SELECT 1000 + g, 100 + g % 1000, CASE WHEN g % 7 = 0 THEN 1 END FROM generate_series(1, 2000) g;
            INSERT INTO line (purchase_id, code, sku, qty) SELECT 1000 + g, 'k', 'a-1', 1 FROM generate_series(1, 2000) g;
            CREATE INDEX ON refund (purchase_id);
            INSERT INTO refund (purchase_id, amount) SELECT 1000 + g, g FROM generate_series(1, 2000) g;
            ANALYZE
            """;
        await using var s = await ExportScenario.CreateAsync(pg, Schema, Data + more);
        var log = new RecordingSeedLog();
        var request = s.Request(new RootSelection { Table = "customer", Filter = filter });
        await SeedExporter.ExportAsync(request, log, TestContext.Current.CancellationToken);
        await s.AssertMatchesOracleAsync(request.OutputDirectory, [("customer", filter)]);
        Assert.Equal(byKeys, log.Of("sql").Any(q => q.Contains("\"customer_id\" = ANY (ARRAY (SELECT")));
        // refund is derived from purchase: its COPY probes refund's FK index the same way.
        Assert.Equal(byKeys, log.Of("sql").Any(q => q.StartsWith("COPY") && q.Contains("t.\"purchase_id\" = ANY (ARRAY (SELECT")));
    }

    [Fact]
    public async Task Parallel_and_serial_exports_are_byte_identical()
    {
        await using var s = await ExportScenario.CreateAsync(pg, Schema, Data);
        var (_, one) = await s.ExportAsync(s.Request(new RootSelection { Table = "customer", Filter = "where id in (1, 3)" }) with { Parallel = 1 });
        var (_, two) = await s.ExportAsync(s.Request(new RootSelection { Table = "customer", Filter = "where id in (1, 3)" }) with { Parallel = 3 });
        // README.md names its own folder; the data files must match.
        foreach (var file in Directory.GetFiles(one).Select(Path.GetFileName).Where(f => f != "README.md"))
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(one, file!), TestContext.Current.CancellationToken),
                await File.ReadAllBytesAsync(Path.Combine(two, file!), TestContext.Current.CancellationToken));
    }
}
