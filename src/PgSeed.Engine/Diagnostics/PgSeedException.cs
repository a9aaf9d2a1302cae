namespace PgSeed.Engine.Diagnostics;

/// <summary>
/// The one exception type PgSeed raises for expected failures. Carries a stable <see cref="Code"/>
/// and, where known, the table, column, file and line involved, so every adapter (CLI, MSBuild,
/// test fixtures) can report the same precise error.
/// </summary>
public sealed class PgSeedException : Exception
{
    /// <summary>An error with its stable code.</summary>
    /// <param name="code">One of <see cref="ErrorCode"/> (<c>PGSEEDnnn</c>).</param>
    /// <param name="message">What went wrong, naming the table, column or line where known; never a password.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public PgSeedException(string code, string message, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
    }

    /// <summary>Stable code such as <c>PGSEED033</c>; see docs/errors.md.</summary>
    public string Code { get; }

    /// <summary>Display name of the table involved (e.g. <c>public.customer</c>), if any.</summary>
    public string? Table { get; init; }

    /// <summary>Column involved, if any.</summary>
    public string? Column { get; init; }

    /// <summary>File involved (seed CSV, manifest, schema script), if any.</summary>
    public string? File { get; init; }

    /// <summary>1-based physical line in <see cref="File"/> (where the record starts, for a CSV), if known.</summary>
    public int? Line { get; init; }

    /// <summary>1-based CSV record number (the header is record 1), if known; differs from <see cref="Line"/> after a value with line breaks.</summary>
    public int? Record { get; init; }

    /// <summary>1-based character position in the SQL the user supplied (filters), if known.</summary>
    public int? Position { get; init; }

    /// <summary>
    /// The request property at fault, as the message names it (e.g. <see cref="OptionNames.ExportParallel"/>), if
    /// one is: adapters respell it in the message (<see cref="OptionNames.Respell"/>) and may point at their own option.
    /// </summary>
    public string? Option { get; init; }

    /// <summary>
    /// This error with its message respelled for an adapter (<see cref="OptionNames.Respell"/>): the same code,
    /// location and inner exception; this instance when nothing changes.
    /// </summary>
    public PgSeedException Respelled(IReadOnlyDictionary<string, string> spellings)
    {
        var message = OptionNames.Respell(Message, spellings);
        return message == Message ? this : new PgSeedException(Code, message, InnerException)
        {
            Table = Table, Column = Column, File = File, Line = Line, Record = Record, Position = Position,
            Option = Option,
        };
    }

    /// <summary>Help link for the code.</summary>
    public string HelpUrl => ErrorHelp.LinkFor(Code);

    /// <summary>"PGSEED033: message" — the form every adapter prints.</summary>
    public override string ToString() => $"{Code}: {Message}";
}
