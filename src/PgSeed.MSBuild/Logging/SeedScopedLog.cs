using PgSeed.Engine.Diagnostics;

namespace PgSeed.MSBuild.Logging;

/// <summary>
/// The log one seed's engine call writes to: summaries are prefixed with the seed, so a build that processes
/// several seeds says which line belongs to which. Remembers whether the engine wrote a summary, so the
/// task adds its own only when the engine did not.
/// </summary>
internal sealed class SeedScopedLog(MSBuildSeedLog inner, string seed) : ISeedLog, ISeedProgress
{
    private int _summaries;

    public bool WroteSummary => Volatile.Read(ref _summaries) > 0;

    public void Summary(string message)
    {
        Interlocked.Increment(ref _summaries);
        inner.Summary($"PgSeed {seed}: {message}");
    }

    public void Detail(string message) => inner.Detail(message);

    public void Sql(string sql) => inner.Sql(sql);

    public void Warning(string code, string message) => inner.Warning(code, $"{seed}: {message}");

    public void ClosureRound(int round, long rowsAdded) => inner.ClosureRound(round, rowsAdded);
    public void TablesStarting(IReadOnlyList<TableProgressInfo> tables) => inner.TablesStarting(tables);
    public void TableProgress(string table, long rows, long bytes) => inner.TableProgress(table, rows, bytes);
    public void TableFinished(string table, long rows, long bytes, TimeSpan elapsed) => inner.TableFinished(table, rows, bytes, elapsed);
}
