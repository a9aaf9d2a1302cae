using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;

namespace PgSeed.Engine.Tests.Infrastructure;

/// <summary>
/// Export from a source database, load the seed into an empty copy of the schema with every FK checked by
/// PostgreSQL, and compare the loaded rows with <see cref="ClosureOracle"/>.
/// </summary>
public sealed class ExportScenario(PostgresFixture pg, string schemaSql) : IAsyncDisposable
{
    private readonly List<string> _folders = new();
    public TestDatabase Source { get; private set; } = null!;

    public static async Task<ExportScenario> CreateAsync(PostgresFixture pg, string schemaSql, string dataSql)
    {
        var s = new ExportScenario(pg, schemaSql);
        s.Source = await pg.CreateDatabaseAsync(schemaSql + ";\n" + dataSql);
        return s;
    }

    public string NewFolder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "pgseed-test-" + Guid.NewGuid().ToString("N")[..12]);
        _folders.Add(dir);
        return dir;
    }

    public async Task<(ExportReport Report, string Folder)> ExportAsync(ExportRequest request)
    {
        var folder = request.OutputDirectory;
        var report = await SeedExporter.ExportAsync(request with { ConnectionString = Source.ConnectionString }, new RecordingSeedLog(), TestContext.Current.CancellationToken);
        await AssertSchemaSqlSufficesAsync(folder);
        // Every case, both closures: the other one must write the same files.
        if (!request.DryRun && request.Closure == ClosureMode.Auto)
            await ClosureModes.AssertOtherModeWritesTheSameSeedAsync(request with { ConnectionString = Source.ConnectionString }, report, NewFolder());
        return (report, folder);
    }

    private readonly HashSet<string> _schemaChecked = new();

    /// <summary>The seed imports into a database built from its schema.sql alone (once per folder; see <see cref="SchemaSqlCheck"/>).</summary>
    public async Task AssertSchemaSqlSufficesAsync(string folder)
    {
        if (_schemaChecked.Add(folder)) await SchemaSqlCheck.AssertSufficesAsync(pg, folder);
    }

    public ExportRequest Request(params RootSelection[] roots) => new()
    {
        ConnectionString = Source.ConnectionString,
        Roots = roots,
        OutputDirectory = NewFolder(),
    };

    /// <summary>Loads <paramref name="folder"/> into a fresh copy of the schema and asserts it equals the oracle's closure.</summary>
    public async Task AssertMatchesOracleAsync(string folder, IEnumerable<(string Table, string? Filter)> roots, bool children = true, IEnumerable<string>? excludedEdges = null,
        bool checkSchemaSql = true)
    {
        if (checkSchemaSql) await AssertSchemaSqlSufficesAsync(folder);
        var expected = await ClosureOracle.ComputeAsync(Source.ConnectionString, roots, children, excludedEdges);
        await using var copy = await pg.CreateDatabaseAsync(schemaSql);
        await SeedLoader.LoadWithForeignKeysCheckedAsync(copy.ConnectionString, folder);
        var actual = await ClosureOracle.ReadAllAsync(copy.ConnectionString);
        foreach (var (table, rows) in expected)
        {
            var got = actual.TryGetValue(table, out var a) ? a : new HashSet<string>();
            var missing = rows.Except(got).ToList();
            var extra = got.Except(rows).ToList();
            Assert.True(missing.Count == 0 && extra.Count == 0,
                $"{table}: missing [{string.Join(" | ", missing)}] extra [{string.Join(" | ", extra)}]");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var f in _folders) if (Directory.Exists(f)) Directory.Delete(f, true);
        await Source.DisposeAsync();
    }
}
