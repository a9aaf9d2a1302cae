using System.Collections.Concurrent;
using System.Diagnostics;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Bench;

/// <summary>Keeps the engine's log lines with the time since the run started, to see where the time goes.</summary>
internal sealed class TimedSeedLog : ISeedLog
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<string> _lines = new();

    public IEnumerable<string> Lines => _lines;

    private void Add(string level, string text) =>
        _lines.Enqueue($"{_clock.Elapsed.TotalSeconds,8:0.000}s {level,-7} {text.ReplaceLineEndings(" ")}");

    public void Summary(string message) => Add("summary", message);
    public void Detail(string message) => Add("detail", message);
    public void Sql(string sql) => Add("sql", sql);
    public void Warning(string code, string message) => Add("warning", $"{code}: {message}");

    public async Task WriteAsync(string path) => await File.WriteAllLinesAsync(path, _lines);
}
