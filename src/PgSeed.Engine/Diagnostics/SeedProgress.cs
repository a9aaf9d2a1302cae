namespace PgSeed.Engine.Diagnostics;

/// <summary>Where the engine sends progress: the log itself when it shows progress, else plain detail lines.</summary>
internal static class SeedProgress
{
    public static ISeedProgress For(ISeedLog log) => log as ISeedProgress ?? new DetailLines(log);

    /// <summary>Logs without a progress display keep one detail line per finished table, as before.</summary>
    private sealed class DetailLines(ISeedLog log) : ISeedProgress
    {
        public void ClosureRound(int round, long rowsAdded) { }
        public void TablesStarting(IReadOnlyList<TableProgressInfo> tables) { }
        public void TableProgress(string table, long rows, long bytes) { }

        public void TableFinished(string table, long rows, long bytes, TimeSpan elapsed) =>
            log.Detail($"{table}: {SummaryTree.Count(rows)} rows, {SummaryTree.Size(bytes)} in {SummaryTree.Time(elapsed)}");
    }
}
