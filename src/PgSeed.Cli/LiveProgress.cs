using System.Diagnostics;
using PgSeed.Engine.Diagnostics;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace PgSeed.Cli;

/// <summary>
/// The live progress display of a terminal (Spectre.Console): the closure's rounds while the subset is computed,
/// then the tables being copied or loaded — rows, bytes, rate — over an overall bar. It is redrawn ten times a
/// second from counters the engine updates once per chunk, and cleared when the work ends (the tree follows).
/// </summary>
internal sealed class LiveProgress : ISeedProgress
{
    private const int VisibleTables = 8;

    private sealed class TableState(string name, long expectedRows, long expectedBytes)
    {
        public string Name { get; } = name;
        public long ExpectedRows { get; } = expectedRows;
        public long ExpectedBytes { get; } = expectedBytes;
        public long Rows;
        public long Bytes;
        public Stopwatch? Clock;
        public bool Finished;
    }

    private readonly object _gate = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<TableState> _tables = new();
    private readonly Dictionary<string, TableState> _byName = new();
    private Stopwatch? _copyClock;
    private int _round;
    private long _closureRows;

    public async Task<T> RunAsync<T>(IAnsiConsole console, Func<Task<T>> work)
    {
        var result = default(T)!;
        await console.Live(Render()).AutoClear(true).Overflow(VerticalOverflow.Ellipsis).Cropping(VerticalOverflowCropping.Bottom)
            .StartAsync(async context =>
            {
                var task = work();
                while (!task.IsCompleted)
                {
                    context.UpdateTarget(Render());
                    await Task.WhenAny(task, Task.Delay(100));
                }
                result = await task;
            });
        return result;
    }

    public void ClosureRound(int round, long rowsAdded)
    {
        lock (_gate)
        {
            _round = round;
            _closureRows += rowsAdded;
        }
    }

    public void TablesStarting(IReadOnlyList<TableProgressInfo> tables)
    {
        lock (_gate)
        {
            _tables.Clear();
            _byName.Clear();
            foreach (var t in tables)
            {
                var state = new TableState(t.Table, t.ExpectedRows, t.ExpectedBytes);
                _tables.Add(state);
                _byName[t.Table] = state;
            }
            _copyClock = Stopwatch.StartNew();
        }
    }

    public void TableProgress(string table, long rows, long bytes)
    {
        lock (_gate)
        {
            if (!_byName.TryGetValue(table, out var t)) return;
            t.Clock ??= Stopwatch.StartNew();
            t.Rows = rows;
            t.Bytes = bytes;
        }
    }

    public void TableFinished(string table, long rows, long bytes, TimeSpan elapsed)
    {
        lock (_gate)
        {
            if (!_byName.TryGetValue(table, out var t)) return;
            t.Rows = rows;
            t.Bytes = bytes;
            t.Finished = true;
        }
    }

    /// <summary>The display for the current counters (redrawn by <see cref="RunAsync{T}"/>).</summary>
    internal IRenderable Render()
    {
        lock (_gate)
        {
            var spinner = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"[(int)(_clock.ElapsedMilliseconds / 100 % 10)];
            if (_copyClock is null)
            {
                var what = _round == 0 ? "reading the catalog and planning" : $"computing the subset: round {_round}, {SummaryTree.Count(_closureRows)} rows found";
                return new Markup($"[yellow]{spinner}[/] {Markup.Escape(what)} [grey]({SummaryTree.Time(_clock.Elapsed)})[/]");
            }

            var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn(new GridColumn().RightAligned())
                .AddColumn(new GridColumn().RightAligned()).AddColumn(new GridColumn().RightAligned());
            var active = _tables.Where(t => t.Clock is not null && !t.Finished).Take(VisibleTables).ToList();
            foreach (var t in active)
            {
                var seconds = Math.Max(0.001, t.Clock!.Elapsed.TotalSeconds);
                grid.AddRow(new Markup($"[yellow]{spinner}[/] {Markup.Escape(t.Name)}"),
                    new Text($"{SummaryTree.Count(t.Rows)} rows"), new Text(SummaryTree.Size(t.Bytes)),
                    new Markup($"[grey]{SummaryTree.Size((long)(t.Bytes / seconds))}/s[/]"));
            }

            var done = _tables.Count(t => t.Finished);
            var rows = _tables.Sum(t => t.Rows);
            var bytes = _tables.Sum(t => t.Bytes);
            var expected = _tables.Sum(t => Math.Max(t.ExpectedRows, t.Rows));
            // Rows are estimates before the copy: the bar follows them, but only a finished table counts as complete.
            var fraction = expected > 0
                ? _tables.Sum(t => t.Finished ? Math.Max(t.ExpectedRows, t.Rows) : Math.Min(t.Rows, t.ExpectedRows)) / (double)expected
                : _tables.Count == 0 ? 1 : done / (double)_tables.Count;
            var rate = bytes / Math.Max(0.001, _copyClock.Elapsed.TotalSeconds);
            var overall = $"{Bar(fraction, 30)} {fraction * 100,3:0}%  {done}/{_tables.Count} tables  {SummaryTree.Count(rows)} rows  " +
                          $"{Markup.Escape(SummaryTree.Size(bytes))}  [grey]{Markup.Escape(SummaryTree.Size((long)rate))}/s[/]";
            return new Rows(grid, new Markup(overall));
        }
    }

    private static string Bar(double fraction, int width)
    {
        var filled = (int)Math.Round(Math.Clamp(fraction, 0, 1) * width);
        return $"[green]{new string('━', filled)}[/][grey]{new string('━', width - filled)}[/]";
    }
}
