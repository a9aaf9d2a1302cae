using PgSeed.Engine.Diagnostics;

namespace PgSeed.Testing;

/// <summary>
/// What leaves a fixture: always a <see cref="PgSeedException"/> whose message starts with its code. xUnit shows
/// a failed fixture's exception message, not its properties, so the code has to be in the text to be seen.
/// </summary>
internal static class FixtureErrors
{
    public static PgSeedException Coded(Exception e, string doing)
    {
        var coded = PgSeedErrors.From(e, e is PgSeedException ? null : doing);
        if (coded.Message.StartsWith(coded.Code, StringComparison.Ordinal)) return coded;
        return new PgSeedException(coded.Code, $"{coded.Code}: {coded.Message}", e) // the original, with its stack trace, as the cause
        {
            Table = coded.Table,
            Column = coded.Column,
            File = coded.File,
            Line = coded.Line,
            Record = coded.Record,
            Position = coded.Position,
        };
    }
}
