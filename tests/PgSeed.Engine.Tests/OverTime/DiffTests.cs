using System.Text.Json;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Diff;
using PgSeed.Engine.Export;
using PgSeed.Engine.Tests.Infrastructure;
using static PgSeed.Engine.Tests.Infrastructure.CliRunner;
using static PgSeed.Engine.Tests.OverTime.OverTimeKit;

namespace PgSeed.Engine.Tests.OverTime;

public class DiffTests(PostgresFixture pg)
{
    private const string Changes = """
        insert into customer values (0, 'Zero', null, 'DE');
        update customer set name = 'Renamed' where id = 3;
        delete from orders where id = 5;
        update orders set total = 99.99, note = null where id = 2;
        delete from tag where ctid = (select min(ctid) from tag where label = 'b');
        insert into tag values ('c');
        """;

    [Fact]
    public async Task Rows_added_removed_and_changed_are_matched_by_key_per_table()
    {
        await using var s = await ShopAsync(pg);
        var before = await ExportAsync(s);
        await s.Source.ExecuteAsync(Changes);
        var after = await ExportAsync(s);

        var diff = await SeedDiffer.DiffAsync(before, after, cancellationToken: Ct);

        var customer = diff.Tables.Single(t => t.Table == "public.customer");
        Assert.Equal((TableChange.Changed, 10L, 11L, 1L, 0L, 1L), (customer.Change, customer.RowsBefore, customer.RowsAfter, customer.Added, customer.Removed, customer.Changed));
        Assert.Equal(["id=0"], customer.AddedRows);
        var renamed = Assert.Single(customer.ChangedRows);
        Assert.Equal("id=3", renamed.Key);
        Assert.Equal([new ValueChange("name", "Customer 3", "Renamed")], renamed.Values);

        var orders = diff.Tables.Single(t => t.Table == "public.orders");
        Assert.Equal((1L, 1L, 0L), (orders.Removed, orders.Changed, orders.Added));
        Assert.Equal(["id=5"], orders.RemovedRows);
        Assert.Equal(new Dictionary<string, long> { ["total"] = 1, ["note"] = 1 }, orders.ChangedColumns);
        Assert.Equal([new ValueChange("total", "3.00", "99.99"), new ValueChange("note", "note 2", null)], orders.ChangedRows.Single().Values);

        // No key: rows are compared whole, as a multiset (one of two 'b' went, a 'c' came).
        var tag = diff.Tables.Single(t => t.Table == "public.tag");
        Assert.Equal((1L, 1L, 0L), (tag.Added, tag.Removed, tag.Changed));
        Assert.Equal(["(c)"], tag.AddedRows);
        Assert.Equal(["(b)"], tag.RemovedRows);
        Assert.Contains("no key", tag.Note);

        Assert.False(diff.Tables.Single(t => t.Table == "public.country").HasChanges);
        Assert.False(diff.Schema.HasChanges);
        Assert.Empty(diff.ManifestChanges);
        Assert.Equal((2L, 2L, 2L), (diff.RowsAdded, diff.RowsRemoved, diff.RowsChanged));

        var text = DiffText.Render(diff);
        Assert.Contains("public.customer: 10 → 11 rows, +1, ~1 (name)", text);
        Assert.Contains("~ id=2: total 3.00 → 99.99, note note 2 → NULL", text);
        Assert.Contains("3 tables changed, 1 unchanged", text);

        var markdown = DiffMarkdown.Render(diff);
        Assert.Contains("| `public.customer` | 10 → 11 | 1 | 0 | 1 | `name` (1) |", markdown);
        Assert.Contains("<details><summary><code>public.orders</code> rows</summary>", markdown);

        using var json = JsonDocument.Parse(DiffJson.Render(diff));
        var tables = json.RootElement.GetProperty("tables").EnumerateArray().ToList();
        Assert.Equal("changed", tables.Single(t => t.GetProperty("table").GetString() == "public.orders").GetProperty("change").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("rowsAdded").GetInt64());
    }

    [Fact]
    public async Task Two_exports_of_unchanged_data_do_not_differ_and_a_readme_is_not_data()
    {
        await using var s = await ShopAsync(pg);
        var before = await ExportAsync(s);
        var after = await ExportAsync(s);
        await File.WriteAllTextAsync(Path.Combine(after, "README.md"), "# generated\n```mermaid\ngraph TD\n```\n", Ct);

        var diff = await SeedDiffer.DiffAsync(before, after, cancellationToken: Ct);
        Assert.False(diff.HasChanges);
        Assert.StartsWith("identical: 4 tables", DiffText.Totals(diff));

        var (code, output, error) = await Run("diff", before, after, "--exit-code");
        Assert.True(code == 0, error);
        Assert.Contains("identical", output);
    }

    [Fact]
    public async Task The_cli_diffs_a_folder_against_a_fresh_export_of_its_recorded_definition()
    {
        await using var s = await ShopAsync(pg);
        var folder = await ExportAsync(s);
        var fingerprint = FolderFingerprint(folder);
        await s.Source.ExecuteAsync(Changes);

        var (code, output, error) = await Run("diff", folder, "--connection", s.Source.ConnectionString, "--format", "markdown", "--exit-code");
        Assert.True(code == 3, error + output);
        Assert.Contains("**3 tables changed**", output);
        Assert.Contains("| `public.orders` | 30 → 29 | 0 | 1 | 1 |", output);
        Assert.Equal(fingerprint, FolderFingerprint(folder));

        var json = await Run("diff", folder, "-c", s.Source.ConnectionString, "--format", "json");
        Assert.Equal(0, json.Code);
        Assert.Contains("export from ", JsonDocument.Parse(json.Out).RootElement.GetProperty("after").GetString());
    }

    [Fact]
    public async Task Seeds_of_different_roots_are_refused()
    {
        await using var s = await ShopAsync(pg);
        var customers = await ExportAsync(s);
        var countries = s.NewFolder();
        await SeedExporter.ExportAsync(Request(s, countries) with { Roots = [new RootSelection { Table = "country" }] }, cancellationToken: Ct);

        var e = await Assert.ThrowsAsync<PgSeedException>(() => SeedDiffer.DiffAsync(customers, countries, cancellationToken: Ct));
        Assert.Equal(ErrorCode.DifferentRoots, e.Code);
        Assert.Contains("public.customer, public.tag vs public.country", e.Message);

        var (code, _, error) = await Run("diff", customers, countries);
        Assert.Equal(1, code);
        Assert.Contains("error PGSEED025", error);
    }

    [Fact]
    public async Task A_definition_change_and_schema_changes_are_reported()
    {
        await using var s = await ShopAsync(pg);
        var before = await ExportAsync(s);
        await s.Source.ExecuteAsync("alter table customer add column vip boolean not null default false; alter table customer drop column email;");
        var after = s.NewFolder();
        await SeedExporter.ExportAsync(Request(s, after) with
        {
            Roots = [new RootSelection { Table = "customer", Filter = "where id <= 11" }, new RootSelection { Table = "tag" }],
        }, cancellationToken: Ct);

        var diff = await SeedDiffer.DiffAsync(before, after, cancellationToken: Ct);
        Assert.Contains("root public.customer: filter 'where id <= 10' → 'where id <= 11'", diff.ManifestChanges);
        var customer = diff.Tables.Single(t => t.Table == "public.customer");
        Assert.Equal(["vip"], customer.ColumnsAdded);
        Assert.Equal(["email"], customer.ColumnsRemoved);
        Assert.Equal(0, customer.Changed); // rows compare on the columns both sides have
        Assert.Equal(["id=11"], customer.AddedRows);
        if (diff.Schema.BeforeExists)
        {
            var table = Assert.Single(diff.Schema.Objects, o => o.Name == "TABLE public.customer");
            Assert.Contains("-    email text,", table.Lines);
            Assert.Contains(table.Lines, l => l.StartsWith("+    vip boolean", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Text_keys_in_a_linguistic_collation_are_compared_by_hashing()
    {
        await using var s = await ExportScenario.CreateAsync(pg,
            "create table word (w text collate \"und-x-icu\" primary key, n int)",
            "insert into word values ('a', 1), ('B', 2), ('c', 3), ('_x', 4), ('Z', 5)");
        var request = s.Request(new RootSelection { Table = "word" }) with { Parallel = 1 };
        await SeedExporter.ExportAsync(request, cancellationToken: Ct);
        await s.Source.ExecuteAsync("update word set n = 20 where w = 'B'; delete from word where w = 'c'; insert into word values ('b', 6)");
        var after = s.NewFolder();
        await SeedExporter.ExportAsync(request with { OutputDirectory = after }, cancellationToken: Ct);

        var diff = await SeedDiffer.DiffAsync(request.OutputDirectory, after, cancellationToken: Ct);
        var word = Assert.Single(diff.Tables);
        Assert.Equal((1L, 1L, 1L), (word.Added, word.Removed, word.Changed));
        Assert.Equal(["w=b"], word.AddedRows);
        Assert.Equal(["w=c"], word.RemovedRows);
        Assert.Equal("w=B", word.ChangedRows.Single().Key);
        Assert.Contains("not in C order", word.Note);
    }

    [Fact]
    public async Task Large_tables_stream_through_the_merge_and_through_bucket_files()
    {
        await using var s = await ExportScenario.CreateAsync(pg,
            "create table big (id bigint primary key, payload text, amount numeric)",
            "insert into big select i, md5(i::text), i / 7.0 from generate_series(1, 200000) i");
        var request = s.Request(new RootSelection { Table = "big" }) with { Parallel = 1, WriteSchema = false };
        await SeedExporter.ExportAsync(request, cancellationToken: Ct);
        await s.Source.ExecuteAsync("delete from big where id % 50000 = 0; update big set payload = 'x' where id in (7, 70000); insert into big values (-1, 'neg', 0), (300000, 'new', 1)");
        var after = s.NewFolder();
        await SeedExporter.ExportAsync(request with { OutputDirectory = after }, cancellationToken: Ct);

        var merged = await SeedDiffer.DiffAsync(request.OutputDirectory, after, new SeedDiffOptions { RowsListed = 3 }, Ct);
        var big = Assert.Single(merged.Tables);
        Assert.Equal((2L, 4L, 2L), (big.Added, big.Removed, big.Changed));
        Assert.Equal(["id=-1", "id=300000"], big.AddedRows);
        Assert.Equal(["id=50000", "id=100000", "id=150000"], big.RemovedRows);
        Assert.Null(big.Note);

        // Force the fallback into many small buckets: same answer (lists then hold the smallest texts).
        TableDiffer.BucketBytesForTests.Value = 64 * 1024;
        var bucketed = Assert.Single((await SeedDiffer.DiffAsync(request.OutputDirectory, after, new SeedDiffOptions { RowsListed = 3 }, Ct)).Tables);
        TableDiffer.BucketBytesForTests.Value = null;
        Assert.Equal((2L, 4L, 2L), (bucketed.Added, bucketed.Removed, bucketed.Changed));
        Assert.Equal(["id=100000", "id=150000", "id=200000"], bucketed.RemovedRows);
    }

    [Fact]
    public async Task A_seed_folder_of_a_newer_format_is_refused()
    {
        await using var s = await ShopAsync(pg);
        var before = await ExportAsync(s);
        var after = CopyFolder(s, before);
        var manifest = Path.Combine(after, "pgseed.json");
        await File.WriteAllTextAsync(manifest, (await File.ReadAllTextAsync(manifest, Ct)).Replace("\"formatVersion\": 1", "\"formatVersion\": 2"), Ct);

        var (code, _, error) = await Run("diff", before, after);
        Assert.Equal(1, code);
        Assert.Contains("error PGSEED036", error);
    }
}
