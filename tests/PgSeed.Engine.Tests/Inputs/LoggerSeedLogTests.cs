using Microsoft.Extensions.Logging;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Tests.Infrastructure;

namespace PgSeed.Engine.Tests.Inputs;

/// <summary>The engine's log through <see cref="LoggerSeedLog"/> into an <see cref="ILogger"/>: levels, and codes as events.</summary>
public class LoggerSeedLogTests(PostgresFixture pg)
{
    [Fact]
    public async Task An_export_logs_its_summary_detail_sql_and_coded_warnings_to_an_ILogger()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await pg.CreateDatabaseAsync("""
            create table customer(id int primary key, email text);
            insert into customer values (1, 'a@example.com'), (2, 'b@example.com');
            """);
        var logger = new CollectingLogger();
        var dir = Path.Combine(Path.GetTempPath(), "pgseed-logger-" + Guid.NewGuid().ToString("N"));
        try
        {
            await SeedExporter.ExportAsync(new ExportRequest
            {
                ConnectionString = db.ConnectionString,
                Roots = [new RootSelection { Table = "customer" }],
                OutputDirectory = dir,
            }, new LoggerSeedLog(logger), ct);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }

        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal(92, warning.Event.Id);
        Assert.Equal(ErrorCode.PersonalData, warning.Event.Name);
        Assert.Contains("email", warning.Text);
        Assert.StartsWith(ErrorCode.PersonalData + ": ", warning.Text);
        Assert.Contains(new KeyValuePair<string, object?>("Code", ErrorCode.PersonalData), warning.State);
        Assert.Contains(warning.State, p => p.Key == "Message" && p.Value is string m && m.Contains("email", StringComparison.Ordinal));

        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Information && e.Event == LoggerSeedLog.SummaryEvent && e.Text.StartsWith("Exported", StringComparison.Ordinal));
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Debug && e.Event == LoggerSeedLog.DetailEvent);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Trace && e.Event == LoggerSeedLog.SqlEvent && e.Text.Contains("COPY", StringComparison.Ordinal));
    }

    [Fact]
    public void A_logger_that_is_off_for_a_level_gets_nothing_of_it()
    {
        var logger = new CollectingLogger { Minimum = LogLevel.Warning };
        var log = new LoggerSeedLog(logger);
        log.Detail("detail");
        log.Sql("SELECT 1");
        log.Summary("summary");
        log.Warning("PGSEED050", "a warning");
        var only = Assert.Single(logger.Entries);
        Assert.Equal(new EventId(50, "PGSEED050"), only.Event);
        Assert.Equal("PGSEED050: a warning", only.Text);
    }

    private sealed record Entry(LogLevel Level, EventId Event, string Text, IReadOnlyList<KeyValuePair<string, object?>> State);

    /// <summary>An ILogger that keeps what it is given (the engine logs from parallel workers: locked).</summary>
    private sealed class CollectingLogger : ILogger
    {
        private readonly List<Entry> _entries = [];

        public LogLevel Minimum { get; init; } = LogLevel.Trace;

        public IReadOnlyList<Entry> Entries { get { lock (_entries) return _entries.ToArray(); } }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= Minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var pairs = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            lock (_entries) _entries.Add(new Entry(logLevel, eventId, formatter(state, exception), pairs.ToList()));
        }
    }
}
