using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Tests.Infrastructure;

namespace PgSeed.Engine.Tests.Shaping;

/// <summary>Helpers shared by the shaping tests: export with a recording log, load into a fresh copy of the schema.</summary>
internal static class ShapingKit
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<RecordingSeedLog> ExportAsync(ExportScenario s, ExportRequest request)
    {
        var log = new RecordingSeedLog();
        var report = await SeedExporter.ExportAsync(request with { ConnectionString = s.Source.ConnectionString }, log, Ct);
        if (!request.DryRun) await s.AssertSchemaSqlSufficesAsync(request.OutputDirectory);
        // Where rules, masks and transforms: the client closure writes the same files.
        if (!request.DryRun && request.Closure == ClosureMode.Auto)
            await ClosureModes.AssertOtherModeWritesTheSameSeedAsync(request with { ConnectionString = s.Source.ConnectionString }, report, s.NewFolder());
        return log;
    }

    public static ExportRequest Request(ExportScenario s, string table, string? filter = null) =>
        s.Request(new RootSelection { Table = table, Filter = filter }) with { Parallel = 1 };

    /// <summary>Loads the seed into a fresh copy of <paramref name="schemaSql"/> with every FK checked; the caller disposes it.</summary>
    public static async Task<TestDatabase> LoadAsync(PostgresFixture pg, string schemaSql, string folder)
    {
        var copy = await pg.CreateDatabaseAsync(schemaSql);
        await SeedLoader.LoadWithForeignKeysCheckedAsync(copy.ConnectionString, folder);
        return copy;
    }

    public static Dictionary<string, string> ReadFolder(string folder) =>
        Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), File.ReadAllText);

    public static async Task<PgSeedException> ThrowsAsync(ExportScenario s, ExportRequest request, string code)
    {
        var e = await Assert.ThrowsAsync<PgSeedException>(() => ExportAsync(s, request));
        Assert.True(e.Code == code, $"expected {code}, got {e.Code}: {e.Message}");
        return e;
    }
}
