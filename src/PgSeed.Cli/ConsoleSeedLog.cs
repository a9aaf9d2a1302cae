using PgSeed.Engine.Diagnostics;

namespace PgSeed.Cli;

/// <summary>Prints engine output: results on stdout, warnings on stderr, SQL only when asked for.</summary>
internal sealed class ConsoleSeedLog(TextWriter stdout, TextWriter stderr, bool verbose, bool quiet, bool showSql) : ISeedLog
{
    private readonly object _gate = new();

    public void Summary(string message) { lock (_gate) stdout.WriteLine(message); }

    public void Detail(string message)
    {
        // Per-table progress lines are noise next to the tree; --verbose shows them, the tree is always shown.
        if (quiet) return;
        if (!verbose && !message.Contains('\n') && !message.StartsWith("plan:", StringComparison.Ordinal)) return;
        lock (_gate) stdout.WriteLine(message);
    }

    public void Sql(string sql)
    {
        if (!showSql) return;
        lock (_gate) stdout.WriteLine(sql.TrimEnd() + ";\n");
    }

    public void Warning(string code, string message) { lock (_gate) stderr.WriteLine($"warning {code}: {message}"); }
}
