using Xunit;

namespace PgSeed.Testing.Templates;

/// <summary>Fixture progress lines: to the configured sink, else to xUnit's diagnostic messages (shown with diagnosticMessages on).</summary>
internal static class FixtureLog
{
    public static void Write(PgSeedOptions options, string message)
    {
        if (options.LogSink is { } sink) sink(message);
        else TestContext.Current.SendDiagnosticMessage(message);
    }
}
