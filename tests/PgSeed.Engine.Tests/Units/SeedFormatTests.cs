using System.Text;
using PgSeed.Engine.Catalog;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Seed;

namespace PgSeed.Engine.Tests.Units;

public class SeedFormatTests
{
    [Fact]
    public void Counts_records_with_newlines_inside_quotes_across_buffers()
    {
        var csv = Encoding.UTF8.GetBytes("id,v\n1,\"a\nb\"\n2,\"say \"\"hi\"\"\"\n3,\n");
        var whole = new CsvScanner();
        whole.Append(csv);
        var pieces = new CsvScanner();
        foreach (var b in csv) pieces.Append(new[] { b });
        Assert.Equal(4, whole.Records);
        Assert.Equal(4, pieces.Records);
        Assert.Equal(whole.Sha256Hex(), pieces.Sha256Hex());
        var truncated = new CsvScanner();
        truncated.Append(Encoding.UTF8.GetBytes("id,v\n1,\"a\nb"));
        Assert.True(truncated.EndsInsideQuotes);
    }

    [Fact]
    public void File_names_are_safe_and_unique_on_case_insensitive_file_systems()
    {
        var names = SeedFileNames.Assign([new TableName("public", "Order"), new TableName("public", "order"), new TableName("my schema", "a/b.c")]);
        Assert.Equal("public.Order.csv", names[new TableName("public", "Order")]);
        Assert.Equal("public.order~2.csv", names[new TableName("public", "order")]);
        Assert.Equal("my%20schema.a%2Fb%2Ec.csv", names[new TableName("my schema", "a/b.c")]);
    }

    [Fact]
    public void Manifest_round_trips_and_rejects_unknown_versions()
    {
        var dir = Directory.CreateTempSubdirectory("pgseed-manifest-").FullName;
        try
        {
            var manifest = new SeedManifest
            {
                SourceServerMajorVersion = 15,
                Definition = new SeedDefinition { Roots = [new SeedRoot { Table = "public.t", Filter = "where id = 1" }] },
                Tables = [new SeedTable { Name = "public.t", Schema = "public", Table = "t", File = "public.t.csv", Sha256 = "00", Columns = [new SeedColumn("id", "integer")] }],
                ForeignKeys = [],
            };
            File.WriteAllText(Path.Combine(dir, SeedManifest.FileName), ManifestSerializer.Serialize(manifest));
            var read = ManifestSerializer.Read(dir);
            Assert.Equal("public.t.csv", read.Tables[0].File);
            Assert.DoesNotContain("\r", ManifestSerializer.Serialize(manifest));

            File.WriteAllText(Path.Combine(dir, SeedManifest.FileName), ManifestSerializer.Serialize(manifest).Replace("\"formatVersion\": 1", "\"formatVersion\": 99"));
            Assert.Equal(ErrorCode.UnsupportedFormat, Assert.Throws<PgSeedException>(() => ManifestSerializer.Read(dir)).Code);
            File.WriteAllText(Path.Combine(dir, SeedManifest.FileName), "{ \"formatVersion\": 1, ");
            Assert.Equal(ErrorCode.ManifestInvalid, Assert.Throws<PgSeedException>(() => ManifestSerializer.Read(dir)).Code);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Import_order_puts_parents_first_and_breaks_cycles_at_the_weakest_fk()
    {
        TableName a = new("public", "a"), b = new("public", "b"), c = new("public", "c");
        ForeignKeyInfo Fk(string name, TableName child, TableName parent, bool mandatory) => new()
        {
            Name = name, Child = child, Parent = parent, Columns = ["x"], ParentColumns = ["id"], Definition = "", Mandatory = mandatory,
        };
        // c -> b -> a, and a -> b (nullable): the cycle a<->b breaks at the nullable FK.
        var order = ImportOrder.Sort([c, b, a], [Fk("c_b", c, b, true), Fk("b_a", b, a, true), Fk("a_b", a, b, false), Fk("self", a, a, false)]);
        Assert.Equal(new[] { a, b, c }, order);
    }
    [Fact]
    public void Import_order_breaks_only_fks_on_a_cycle()
    {
        TableName a = new("public", "a"), p = new("public", "p"), q = new("public", "q");
        ForeignKeyInfo Fk(string name, TableName child, TableName parent, bool mandatory) => new()
        {
            Name = name, Child = child, Parent = parent, Columns = ["x"], ParentColumns = ["id"], Definition = "", Mandatory = mandatory,
        };
        // p <-> q is a cycle of mandatory FKs; a -> p is nullable (weaker) but on no cycle: a must still load after p.
        var result = ImportOrder.Order([a, p, q], [Fk("a_p", a, p, false), Fk("p_q", p, q, true), Fk("q_p", q, p, true)]);
        Assert.Equal(new[] { p, a, q }, result.Tables);
        Assert.Equal("p_q", Assert.Single(result.BrokenForeignKeys).Name);
        // No cycle: nothing is broken.
        Assert.Empty(ImportOrder.Order([a, p], [Fk("a_p", a, p, false)]).BrokenForeignKeys);
    }
}
