using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.MSBuild.Logging;

/// <summary>
/// Maps the engine's log levels to MSBuild importance: summaries at high (visible at the default
/// verbosity), per-table detail at normal, SQL at low; warnings keep their PGSEED code and help link.
/// Every message passes through <see cref="ConnectionResolver.Redact"/> as a last line of defence.
/// </summary>
internal sealed class MSBuildSeedLog(TaskLoggingHelper log) : ISeedLog, ISeedProgress
{
    public const string Subcategory = "PgSeed";

    // Parallel export workers log concurrently; MSBuild's logging helper is not documented as thread-safe.
    private readonly object _gate = new();

    public void Summary(string message) => Message(MessageImportance.High, message);

    public void Detail(string message) => Message(MessageImportance.Normal, message);

    public void Sql(string sql) => Message(MessageImportance.Low, sql);

    // Progress as messages: a line per closure round (low) and per finished table (normal); no per-chunk noise.
    public void ClosureRound(int round, long rowsAdded) => Message(MessageImportance.Low, $"closure round {round}: {rowsAdded} rows added");

    public void TablesStarting(IReadOnlyList<TableProgressInfo> tables) { }

    public void TableProgress(string table, long rows, long bytes) { }

    public void TableFinished(string table, long rows, long bytes, TimeSpan elapsed) =>
        Message(MessageImportance.Normal, $"{table}: {SummaryTree.Count(rows)} rows, {SummaryTree.Size(bytes)} in {SummaryTree.Time(elapsed)}");

    public void Warning(string code, string message)
    {
        lock (_gate)
            log.LogWarning(Subcategory, code, code, ErrorHelp.LinkFor(code), null, 0, 0, 0, 0, "{0}", ConnectionResolver.Redact(MSBuildOptionNames.Respell(message)));
    }

    public void Message(MessageImportance importance, string message)
    {
        lock (_gate)
            log.LogMessage(importance, "{0}", ConnectionResolver.Redact(MSBuildOptionNames.Respell(message).TrimEnd('\n', '\r')));
    }

    /// <summary>Logs an engine error as an MSBuild error with its code, help link and file/line.</summary>
    public void Error(PgSeedException e, string? fallbackFile = null)
    {
        // The console shows no help link, so the message carries it too.
        var message = $"{ConnectionResolver.Redact(MSBuildOptionNames.Respell(e.Message))} (see {e.HelpUrl})";
        lock (_gate)
            log.LogError(Subcategory, e.Code, e.Code, e.HelpUrl, e.File ?? fallbackFile, e.Line ?? 0, e.Position ?? 0, 0, 0, "{0}", message);
    }
}
