namespace PgSeed.Engine.Diagnostics;

/// <summary>
/// Where the engine reports what it does. Adapters map the levels to their own world:
/// the CLI prints <see cref="Summary"/> and <see cref="Detail"/>, MSBuild logs them at high and
/// normal importance and <see cref="Sql"/> at low importance. Implementations must be thread-safe:
/// parallel export workers report concurrently.
/// </summary>
public interface ISeedLog
{
    /// <summary>One line per seed: the headline result.</summary>
    void Summary(string message);

    /// <summary>Per-table detail: progress and the summary tree.</summary>
    void Detail(string message);

    /// <summary>A SQL statement the engine runs (or would run in a dry run).</summary>
    void Sql(string sql);

    /// <summary>Something the user should look at that does not stop the run.</summary>
    void Warning(string code, string message);
}

/// <summary>A log that drops everything.</summary>
public sealed class NullSeedLog : ISeedLog
{
    /// <summary>The shared instance (the log holds no state).</summary>
    public static readonly NullSeedLog Instance = new();
    /// <inheritdoc/>
    public void Summary(string message) { }
    /// <inheritdoc/>
    public void Detail(string message) { }
    /// <inheritdoc/>
    public void Sql(string sql) { }
    /// <inheritdoc/>
    public void Warning(string code, string message) { }
}

/// <summary>A log that keeps every line; handy in tests and for dry runs.</summary>
internal sealed class RecordingSeedLog : ISeedLog
{
    private readonly object _gate = new();
    private readonly List<(string Level, string Text)> _lines = new();

    public IReadOnlyList<(string Level, string Text)> Lines { get { lock (_gate) return _lines.ToArray(); } }

    public IEnumerable<string> Of(string level) => Lines.Where(l => l.Level == level).Select(l => l.Text);

    public void Summary(string message) { lock (_gate) _lines.Add(("summary", message)); }
    public void Detail(string message) { lock (_gate) _lines.Add(("detail", message)); }
    public void Sql(string sql) { lock (_gate) _lines.Add(("sql", sql)); }
    public void Warning(string code, string message) { lock (_gate) _lines.Add(("warning", $"{code}: {message}")); }
}
