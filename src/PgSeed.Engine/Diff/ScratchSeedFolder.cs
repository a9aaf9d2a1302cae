using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;

namespace PgSeed.Engine.Diff;

/// <summary>
/// A seed exported into a temporary folder, to compare with a checked-in one without touching it
/// (<c>export --check</c>, <c>diff --connection</c>). Deleted on dispose.
/// </summary>
internal sealed class ScratchSeedFolder : IDisposable
{
    private readonly string _root;

    private ScratchSeedFolder(string root)
    {
        _root = root;
        Path = System.IO.Path.Combine(root, "seed");
    }

    /// <summary>The exported seed folder.</summary>
    public string Path { get; }

    /// <summary>
    /// Runs <paramref name="request"/> into a new temporary folder. Its summary line and tree are not logged: the
    /// folder is not the user's, the comparison that follows is what they want to read.
    /// </summary>
    public static async Task<ScratchSeedFolder> ExportAsync(ExportRequest request, ISeedLog? log, CancellationToken cancellationToken)
    {
        var folder = new ScratchSeedFolder(Directory.CreateTempSubdirectory("pgseed-check-").FullName);
        try
        {
            await SeedExporter.ExportAsync(request with { OutputDirectory = folder.Path, DryRun = false }, new WithoutSummary(log ?? NullSeedLog.Instance), cancellationToken)
                .ConfigureAwait(false);
            return folder;
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try { if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private sealed class WithoutSummary(ISeedLog inner) : ISeedLog
    {
        public void Summary(string message) { }
        public void Detail(string message) { if (!message.Contains('\n')) inner.Detail(message); }
        public void Sql(string sql) => inner.Sql(sql);
        public void Warning(string code, string message) => inner.Warning(code, message);
    }
}
