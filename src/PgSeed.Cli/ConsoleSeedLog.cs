using PgSeed.Engine.Diagnostics;

namespace PgSeed.Cli;

/// <summary>
/// Prints engine output: results on stdout, warnings on stderr, SQL only when asked for. Progress: on a terminal a
/// live display (<see cref="LiveProgress"/>) that disappears when the work ends, everything else meanwhile held back
/// and printed after it; otherwise one line per finished table. <c>--quiet</c>: the summary line, errors, and a
/// one-line count of personal-data warnings. Personal-data warnings (one per table) come after the tree.
/// </summary>
internal sealed class ConsoleSeedLog : ISeedLog, ISeedProgress
{
    private readonly object _gate = new();
    private readonly TextWriter _stdout;
    private readonly TextWriter _stderr;
    private readonly bool _verbose;
    private readonly bool _quiet;
    private readonly bool _showSql;
    private readonly List<string> _personalData = new();
    private readonly List<(TextWriter Writer, string Line)> _held = new();
    private LiveProgress? _live;
    private int _tables;
    private int _finished;

    public ConsoleSeedLog(TextWriter stdout, TextWriter stderr, bool verbose, bool quiet, bool showSql)
    {
        _stdout = stdout;
        _stderr = stderr;
        _verbose = verbose;
        _quiet = quiet;
        _showSql = showSql;
    }

    /// <summary>
    /// Runs the engine call with live progress when stdout is a terminal (and neither -q, -v nor a dry run asks for
    /// plain output), then prints what was held back; personal-data warnings left over (no summary came) last.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> work, bool live = true)
    {
        try
        {
            if (live && !_quiet && !_verbose && !_showSql && Terminal.IsInteractive(_stdout))
            {
                _live = new LiveProgress();
                try
                {
                    return await _live.RunAsync(Spectre.Console.AnsiConsole.Console, work);
                }
                finally
                {
                    lock (_gate) _live = null;
                    FlushHeld();
                }
            }
            return await work();
        }
        finally
        {
            FlushPersonalData();
        }
    }

    public void Summary(string message)
    {
        message = CliOptionNames.Respell(message);
        FlushPersonalData();
        Write(_stdout, message);
    }

    public void Detail(string message)
    {
        message = CliOptionNames.Respell(message);
        // The tree (multi-line) and the plan line are always shown; per-step detail only with --verbose.
        if (_quiet) return;
        if (!_verbose && !message.Contains('\n') && !message.StartsWith("plan:", StringComparison.Ordinal)) return;
        Write(_stdout, message);
    }

    public void Sql(string sql)
    {
        if (_showSql) Write(_stdout, sql.TrimEnd() + ";\n");
    }

    public void Warning(string code, string message)
    {
        message = CliOptionNames.Respell(message);
        if (code == ErrorCode.PersonalData)
        {
            // One per table; listed together after the tree, where they are read.
            lock (_gate) _personalData.Add(message);
            return;
        }
        Write(_stderr, $"warning {code}: {message}");
    }

    public void ClosureRound(int round, long rowsAdded) => _live?.ClosureRound(round, rowsAdded);

    public void TablesStarting(IReadOnlyList<TableProgressInfo> tables)
    {
        lock (_gate)
        {
            _tables = tables.Count;
            _finished = 0;
        }
        _live?.TablesStarting(tables);
    }

    public void TableProgress(string table, long rows, long bytes) => _live?.TableProgress(table, rows, bytes);

    public void TableFinished(string table, long rows, long bytes, TimeSpan elapsed)
    {
        if (_live is { } live)
        {
            live.TableFinished(table, rows, bytes, elapsed);
            return;
        }
        if (_quiet) return;
        int done, total;
        lock (_gate)
        {
            done = ++_finished;
            total = _tables;
        }
        // Plain output (logs, CI, redirected): one line per finished table, no escape codes.
        Write(_stdout, $"  [{done}/{total}] {table}: {SummaryTree.Count(rows)} rows, {SummaryTree.Size(bytes)} in {SummaryTree.Time(elapsed)}");
    }

    private void FlushPersonalData()
    {
        string[] lines;
        lock (_gate)
        {
            lines = _personalData.ToArray();
            _personalData.Clear();
        }
        if (lines.Length == 0) return;
        if (_quiet)
            Write(_stderr, $"warning {ErrorCode.PersonalData}: exported columns in {lines.Length} {(lines.Length == 1 ? "table look" : "tables look")} personal; run without --quiet for the columns and how to mask or accept them.");
        else
            foreach (var line in lines) Write(_stderr, $"warning {ErrorCode.PersonalData}: {line}");
    }

    private void Write(TextWriter writer, string line)
    {
        lock (_gate)
        {
            if (_live is not null) _held.Add((writer, line));
            else writer.WriteLine(line);
        }
    }

    private void FlushHeld()
    {
        lock (_gate)
        {
            foreach (var (writer, line) in _held) writer.WriteLine(line);
            _held.Clear();
        }
    }
}
