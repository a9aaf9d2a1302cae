using Npgsql;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Copy;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;

namespace PgSeed.Engine.Tests.Copy;

/// <summary>Requests and probes for the copy tests.</summary>
internal static class CopyTestKit
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Connection strings as the CLI resolves them (application_name pgseed, so ServerActivity finds the sessions).</summary>
    public static string Cs(TestDatabase db) => ConnectionResolver.Resolve(db.ConnectionString);

    public static CopyRequest Request(TestDatabase source, TestDatabase target, params RootSelection[] roots) => new()
    {
        Source = new ExportRequest { ConnectionString = Cs(source), Roots = roots, OutputDirectory = "" },
        TargetConnectionString = Cs(target),
    };

    public static Task<CopyReport> CopyAsync(CopyRequest request, ISeedLog? log = null, CancellationToken? ct = null) =>
        DatabaseCopier.CopyAsync(request, log ?? new RecordingSeedLog(), ct ?? Ct);

    /// <summary>Every table's rows as sorted text, for comparing two databases.</summary>
    public static async Task<string> DumpAsync(TestDatabase db, params string[] tables)
    {
        var lines = new List<string>();
        foreach (var t in tables)
            lines.AddRange((await db.ColumnAsync($"select t::text from {t} t")).Order(StringComparer.Ordinal).Select(r => $"{t}: {r}"));
        return string.Join("\n", lines);
    }
}

/// <summary>A log that lets a test act in the middle of a table's load (the progress arrives once per 64 kB chunk).</summary>
internal sealed class HookLog(Action<string, long> onProgress) : ISeedLog, ISeedProgress
{
    public RecordingSeedLog Lines { get; } = new();
    public void Summary(string message) => Lines.Summary(message);
    public void Detail(string message) => Lines.Detail(message);
    public void Sql(string sql) => Lines.Sql(sql);
    public void Warning(string code, string message) => Lines.Warning(code, message);
    public void ClosureRound(int round, long rowsAdded) { }
    public void TablesStarting(IReadOnlyList<TableProgressInfo> tables) { }
    public void TableProgress(string table, long rows, long bytes) => onProgress(table, rows);
    public void TableFinished(string table, long rows, long bytes, TimeSpan elapsed) { }
}
