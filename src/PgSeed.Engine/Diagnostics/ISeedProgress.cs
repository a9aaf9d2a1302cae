namespace PgSeed.Engine.Diagnostics;

/// <summary>
/// Live progress of long work, for adapters that can show it (a terminal's progress display, MSBuild messages).
/// An <see cref="ISeedLog"/> that also implements this interface receives these events; other logs get one
/// <see cref="ISeedLog.Detail"/> line per finished table instead (see <see cref="SeedProgress.For"/>).
/// Implementations must be thread-safe (parallel copies report concurrently) and cheap: <see cref="TableProgress"/>
/// arrives once per COPY chunk (tens of kilobytes), never per row.
/// </summary>
public interface ISeedProgress
{
    /// <summary>A closure round finished: <paramref name="rowsAdded"/> rows joined the subset in it.</summary>
    void ClosureRound(int round, long rowsAdded);

    /// <summary>The copy (export) or load (import) of these tables starts; sizes are estimates (0: unknown).</summary>
    void TablesStarting(IReadOnlyList<TableProgressInfo> tables);

    /// <summary>Rows and bytes of one table so far.</summary>
    void TableProgress(string table, long rows, long bytes);

    /// <summary>One table is done.</summary>
    void TableFinished(string table, long rows, long bytes, TimeSpan elapsed);
}

/// <summary>A table about to be copied or loaded, with the rows and bytes expected (0: unknown).</summary>
public sealed record TableProgressInfo(string Table, long ExpectedRows, long ExpectedBytes);
