using System.Globalization;
using System.Text.RegularExpressions;
using PgSeed.Engine.Export;
using PgSeed.Engine.Tests.Infrastructure;

namespace PgSeed.Engine.Tests.Export;

/// <summary>
/// The export against the independent oracle on generated schemas (<see cref="SchemaGenerator"/>), so that a whole
/// class of schema shapes is covered rather than the cases someone thought of. For each case: the seed holds exactly
/// the oracle's rows and loads with every FK validated (no orphan); schema.sql alone builds a database the engine
/// imports the seed into; there every sequence is past the imported values; and exporting that database again gives
/// the same files, byte for byte.
/// <para>
/// A fixed set of seeds runs with every test run. <c>PGSEED_GENERATED_SCHEMAS=N</c> adds N more, from seed
/// <c>PGSEED_GENERATED_SCHEMAS_FROM</c> (default: random, printed in each case's name) — see docs/export.md.
/// </para>
/// </summary>
public class GeneratedSchemaTests(PostgresFixture pg)
{
    /// <summary>The seeds every run checks (chosen to cover each shape the generator makes; see the test output).</summary>
    private static readonly int[] FixedSeeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>(FixedSeeds);
        if (int.TryParse(Environment.GetEnvironmentVariable("PGSEED_GENERATED_SCHEMAS"), CultureInfo.InvariantCulture, out var more) && more > 0)
        {
            var from = int.TryParse(Environment.GetEnvironmentVariable("PGSEED_GENERATED_SCHEMAS_FROM"), CultureInfo.InvariantCulture, out var f)
                ? f : Random.Shared.Next(1_000, 1_000_000_000);
            for (var i = 0; i < more; i++) data.Add(from + i);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Generated_schema_exports_the_oracles_closure_imports_from_its_schema_sql_and_round_trips(int seed)
    {
        var ct = TestContext.Current.CancellationToken;
        var g = SchemaGenerator.Generate(seed);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"-- seed {seed}; roots: {string.Join("; ", g.Roots.Select(r => $"{r.Table} {r.Filter}"))}; children: {g.Children}\n{g.Schema}");

        await using var s = await ExportScenario.CreateAsync(pg, g.Schema, g.Data);
        var request = s.Request(g.Roots.Select(r => new RootSelection { Table = r.Table, Filter = r.Filter }).ToArray()) with
        {
            Children = g.Children ? ChildrenMode.All : ChildrenMode.None,
            Parallel = 1 + seed % 2,
        };
        await SeedExporter.ExportAsync(request, null, ct);

        // Exactly the oracle's rows, loaded by an independent loader with every FK re-added: no orphan.
        await s.AssertMatchesOracleAsync(request.OutputDirectory, g.Roots, g.Children, checkSchemaSql: false);

        // schema.sql alone is enough to import the seed.
        await using var copy = await SchemaSqlCheck.ImportIntoSchemaSqlAsync(pg, request.OutputDirectory);
        await AssertSequencesAheadAsync(copy);

        // Round trip: the imported copy exports to the same bytes.
        var again = request with { ConnectionString = copy.ConnectionString, OutputDirectory = s.NewFolder() };
        await SeedExporter.ExportAsync(again, null, ct);
        // README.md names its own folder; the data files must match.
        var files = Directory.GetFiles(request.OutputDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files, Directory.GetFiles(again.OutputDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList());
        files.Remove("README.md");
        foreach (var file in files)
            Assert.True(File.ReadAllBytes(Path.Combine(request.OutputDirectory, file!)).SequenceEqual(File.ReadAllBytes(Path.Combine(again.OutputDirectory, file!))),
                $"{file} differs after a round trip");
    }

    [Fact]
    public void The_fixed_seeds_cover_every_shape()
    {
        var schemas = FixedSeeds.Select(seed => SchemaGenerator.Generate(seed).Schema).ToList();
        Assert.Contains(schemas, s => Regex.IsMatch(s, @"primary key \([^)]*,[^)]*\)"));                     // composite keys
        Assert.Contains(schemas, s => s.Contains(") unique (", StringComparison.Ordinal) || s.Contains(", unique (", StringComparison.Ordinal));
        Assert.Contains(schemas, s => s.Contains("partition by hash", StringComparison.Ordinal));
        Assert.Contains(schemas, s => Regex.IsMatch(s, @"partition of t\d+_p0 "));                            // two levels
        Assert.Contains(schemas, s => Regex.IsMatch(s, @"alter table t\d+_p\d+(_\d)? add constraint"));       // FKs on partitions
        Assert.Contains(schemas, s => Regex.IsMatch(s, @"alter table (t\d+) add constraint \S+ foreign key \([^)]*\) references \1 "));   // self-references
        Assert.Contains(schemas, s => s.Contains("_ident_fk", StringComparison.Ordinal));
        Assert.Contains(schemas, s => s.Contains("nextval('gen_shared_seq')", StringComparison.Ordinal));
        Assert.Contains(schemas, s => s.Contains("owned by", StringComparison.Ordinal));
        Assert.Contains(schemas, s => s.Contains("as identity", StringComparison.Ordinal));
        Assert.Contains(schemas, s => Regex.IsMatch(s, @"create table t\d+ \((?![^;]*(primary key|unique))[^;]*\);"));   // keyless
        // Several FKs between the same two tables, and cycles through two tables or more.
        var edges = schemas.Select(s => Regex.Matches(s, @"alter table (t\d+)\S* add constraint \S+ foreign key \([^)]*\) references (t\d+) ")
            .Select(m => (Child: m.Groups[1].Value, Parent: m.Groups[2].Value)).Where(e => e.Child != e.Parent).Distinct().ToList()).ToList();
        Assert.Contains(schemas, s => Regex.Matches(s, @"alter table (t\d+) add constraint (t\d+_fk\d) foreign key \([^)]*\) references (t\d+) ")
            .GroupBy(m => (m.Groups[1].Value, m.Groups[3].Value)).Any(g => g.Count() > 1));
        Assert.Contains(edges, e => e.Any(a => HasPath(e, a.Parent, a.Child)));
    }

    private static bool HasPath(IReadOnlyList<(string Child, string Parent)> edges, string from, string to)
    {
        var seen = new HashSet<string>();
        var queue = new Queue<string>([from]);
        while (queue.Count > 0)
        {
            var t = queue.Dequeue();
            if (t == to) return true;
            if (!seen.Add(t)) continue;
            foreach (var e in edges.Where(e => e.Child == t)) queue.Enqueue(e.Parent);
        }
        return false;
    }

    /// <summary>Every sequence a column default or identity uses would hand out a value above the column's imported maximum.</summary>
    private static async Task AssertSequencesAheadAsync(TestDatabase db)
    {
        var columns = await db.ColumnAsync("""
            SELECT c.oid::regclass::text || '|' || quote_ident(a.attname) || '|' ||
                   coalesce(pg_get_serial_sequence(c.oid::regclass::text, a.attname), substring(pg_get_expr(d.adbin, d.adrelid) from 'nextval\(''([^'']+)''::regclass\)'))
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped
              AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
              AND (a.attidentity <> '' OR pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%')
            """);
        foreach (var line in columns)
        {
            var (table, column, sequence) = (line.Split('|')[0], line.Split('|')[1], line.Split('|')[2]);
            var ahead = await db.ScalarAsync<bool>(
                $"SELECT coalesce((SELECT max({column})::bigint FROM {table}) < (SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM {sequence}), true)");
            Assert.True(ahead, $"{table}.{column}: sequence {sequence} is not past the imported values");
        }
    }
}
