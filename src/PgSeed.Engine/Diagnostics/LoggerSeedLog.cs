using System.Collections;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace PgSeed.Engine.Diagnostics;

/// <summary>
/// The engine's log written to an <see cref="ILogger"/> (Microsoft.Extensions.Logging), for applications and hosts
/// that call the engine directly: <see cref="ISeedLog.Summary"/> at <see cref="LogLevel.Information"/>,
/// <see cref="ISeedLog.Detail"/> at <see cref="LogLevel.Debug"/>, <see cref="ISeedLog.Sql"/> at
/// <see cref="LogLevel.Trace"/>, and <see cref="ISeedLog.Warning"/> at <see cref="LogLevel.Warning"/> with the
/// warning's code as the event: id 92 and name <c>PGSEED092</c>. Every entry carries <c>{Message}</c> (and a warning
/// <c>{Code}</c>) as structured state.
/// </summary>
public sealed class LoggerSeedLog : ISeedLog
{
    /// <summary>Event of <see cref="ISeedLog.Summary"/> lines.</summary>
    public static readonly EventId SummaryEvent = new(1, "PgSeedSummary");

    /// <summary>Event of <see cref="ISeedLog.Detail"/> lines.</summary>
    public static readonly EventId DetailEvent = new(2, "PgSeedDetail");

    /// <summary>Event of <see cref="ISeedLog.Sql"/> statements.</summary>
    public static readonly EventId SqlEvent = new(3, "PgSeedSql");

    private readonly ILogger _logger;

    /// <summary>Writes the engine's log to <paramref name="logger"/>.</summary>
    /// <param name="logger">The logger (for example from <c>ILoggerFactory.CreateLogger("PgSeed")</c>).</param>
    public LoggerSeedLog(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
    }

    /// <inheritdoc/>
    public void Summary(string message) => Write(LogLevel.Information, SummaryEvent, null, message);

    /// <inheritdoc/>
    public void Detail(string message) => Write(LogLevel.Debug, DetailEvent, null, message);

    /// <inheritdoc/>
    public void Sql(string sql) => Write(LogLevel.Trace, SqlEvent, null, sql);

    /// <inheritdoc/>
    public void Warning(string code, string message) => Write(LogLevel.Warning, EventOf(code), code, message);

    /// <summary>The event of a code: its number as the id (<c>PGSEED092</c> → 92), the code as the name.</summary>
    public static EventId EventOf(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var digits = code.StartsWith("PGSEED", StringComparison.Ordinal) ? code[6..] : code;
        return new EventId(int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0, code);
    }

    private void Write(LogLevel level, EventId eventId, string? code, string message)
    {
        if (!_logger.IsEnabled(level)) return;
        _logger.Log(level, eventId, new Entry(code, message), null, static (entry, _) => entry.ToString());
    }

    /// <summary>Structured state: <c>Code</c> (warnings) and <c>Message</c>, and the template loggers show.</summary>
    private readonly struct Entry(string? code, string message) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private KeyValuePair<string, object?>[] Pairs => code is null
            ? [new("Message", message), new("{OriginalFormat}", "{Message}")]
            : [new("Code", code), new("Message", message), new("{OriginalFormat}", "{Code}: {Message}")];

        public int Count => code is null ? 2 : 3;
        public KeyValuePair<string, object?> this[int index] => Pairs[index];
        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)Pairs).GetEnumerator();
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
        public override string ToString() => code is null ? message : $"{code}: {message}";
    }
}
