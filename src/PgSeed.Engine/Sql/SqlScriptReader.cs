using System.Text;

namespace PgSeed.Engine.Sql;

/// <summary>One thing a SQL script asks for, with the 1-based line it starts on.</summary>
internal abstract record ScriptItem(int Line);

/// <summary>
/// A SQL statement (without its terminating semicolon). <see cref="RunsAlone"/>: it cannot share a transaction
/// with others (VACUUM, CREATE DATABASE, ... CONCURRENTLY), so it is sent on its own.
/// </summary>
internal sealed record ScriptStatement(string Sql, int Line, bool RunsAlone) : ScriptItem(Line);

/// <summary><c>COPY ... FROM stdin</c>: its data lines follow in the script, up to a line <c>\.</c>.</summary>
internal sealed record ScriptCopy(string Sql, int Line) : ScriptItem(Line);

/// <summary>A psql meta-command (<c>\name arguments</c>), e.g. pg_dump's <c>\restrict KEY</c>.</summary>
internal sealed record ScriptMetaCommand(string Name, string Arguments, int Line) : ScriptItem(Line);

/// <summary>
/// Splits a SQL script into statements the way psql does, streaming line by line: semicolons inside quotes,
/// dollar quotes, comments, parentheses and SQL-standard function bodies (<c>BEGIN ATOMIC ... END</c>, with
/// psql's own heuristic) do not end a statement; a backslash outside those starts a meta-command that runs to
/// the end of the line. After a <see cref="ScriptCopy"/>, call <see cref="ReadCopyData"/> before reading on.
/// </summary>
internal sealed class SqlScriptReader(TextReader reader)
{
    private enum State { Normal, Quote, EscapeQuote, DoubleQuote, Dollar, BlockComment }

    private readonly StringBuilder _statement = new();
    private readonly Queue<ScriptItem> _ready = new();
    private State _state = State.Normal;
    private string _dollarTag = "";
    private int _commentDepth;
    private int _lineNumber;
    private string? _line;
    private int _position;

    // Per statement: where it starts, whether it has anything but blanks and comments, and psql's trackers.
    private int _startLine;
    private bool _hasContent;
    private int _parenDepth;
    private int _beginDepth;
    private readonly List<string> _identifiers = new();
    private bool _concurrently;

    /// <summary>The line the reader has consumed last (1-based).</summary>
    public int LineNumber => _lineNumber;

    /// <summary>The next item, or null at the end of the script.</summary>
    public ScriptItem? Next()
    {
        while (_ready.Count == 0)
        {
            if (_line is null || _position > _line.Length)
            {
                _line = reader.ReadLine();
                _position = 0;
                if (_line is null)
                {
                    EndStatement(); // psql sends what is left at the end of the input
                    return _ready.Count > 0 ? _ready.Dequeue() : null;
                }
                _lineNumber++;
            }
            ScanLine();
        }
        return _ready.Dequeue();
    }

    /// <summary>
    /// The data lines of the COPY just returned, up to (not including) the terminating <c>\.</c> line or the end
    /// of the script; each with its line number. Must be read completely before <see cref="Next"/> is called again.
    /// </summary>
    public IEnumerable<(string Text, int Line)> ReadCopyData()
    {
        // The data starts on the line after the COPY statement's semicolon.
        _line = null;
        while (reader.ReadLine() is { } data)
        {
            _lineNumber++;
            if (data == "\\.") yield break;
            yield return (data, _lineNumber);
        }
    }

    /// <summary>Scans the rest of the current line; ends statements and meta-commands found on it.</summary>
    private void ScanLine()
    {
        var line = _line!;
        while (_position < line.Length)
        {
            switch (_state)
            {
                case State.Quote:
                case State.DoubleQuote:
                    ScanQuoted(line, _state == State.Quote ? '\'' : '"', backslashEscapes: false);
                    break;
                case State.EscapeQuote:
                    ScanQuoted(line, '\'', backslashEscapes: true);
                    break;
                case State.Dollar:
                    var close = line.IndexOf(_dollarTag, _position, StringComparison.Ordinal);
                    if (close < 0) { Append(line[_position..]); _position = line.Length; }
                    else { Append(line[_position..(close + _dollarTag.Length)]); _position = close + _dollarTag.Length; _state = State.Normal; }
                    break;
                case State.BlockComment:
                    ScanComment(line);
                    break;
                default:
                    if (ScanNormal(line)) return; // the rest of the line was consumed (a meta-command or a COPY)
                    break;
            }
        }
        // The line's end: kept in the statement so positions and line numbers stay exact.
        if (_position == line.Length)
        {
            if (_statement.Length > 0) _statement.Append('\n');
            _position = line.Length + 1;
        }
    }

    /// <summary>One token in normal state. Returns true when the rest of the line must not be scanned.</summary>
    private bool ScanNormal(string line)
    {
        var c = line[_position];
        if (char.IsWhiteSpace(c)) { Append(c); _position++; return false; }
        if (c == '-' && At(line, _position + 1, '-')) { Append(line[_position..]); _position = line.Length; return false; }
        if (c == '/' && At(line, _position + 1, '*')) { Append("/*"); _position += 2; _state = State.BlockComment; _commentDepth = 1; return false; }
        if (c == '\\') return MetaCommand(line);
        if (c == ';' && _parenDepth == 0 && _beginDepth == 0)
        {
            _position++;
            if (EndStatement())
            {
                // COPY ... FROM stdin: its data starts on the next line.
                _position = line.Length + 1;
                return true;
            }
            return false;
        }

        Content();
        if (c == '\'') { Append(c); _position++; _state = State.Quote; return false; }
        if (c == '"') { Append(c); _position++; _state = State.DoubleQuote; return false; }
        if (c == '$' && DollarTag(line, _position) is { } tag)
        {
            Append(tag);
            _position += tag.Length;
            _dollarTag = tag;
            _state = State.Dollar;
            return false;
        }
        if (IsIdentifierStart(c))
        {
            var end = _position + 1;
            while (end < line.Length && IsIdentifierPart(line[end])) end++;
            var word = line[_position..end];
            Append(word);
            _position = end;
            if (word is "e" or "E" && At(line, _position, '\''))
            {
                Append('\'');
                _position++;
                _state = State.EscapeQuote;
                return false;
            }
            Identifier(word);
            return false;
        }
        if (char.IsAsciiDigit(c))
        {
            // A number (with exponent or a type suffix): never an identifier, so never BEGIN/END.
            var end = _position + 1;
            while (end < line.Length && (char.IsAsciiLetterOrDigit(line[end]) || line[end] is '.' or '_')) end++;
            Append(line[_position..end]);
            _position = end;
            return false;
        }
        if (c == '(') _parenDepth++;
        else if (c == ')' && _parenDepth > 0) _parenDepth--;
        Append(c);
        _position++;
        return false;
    }

    private void ScanQuoted(string line, char quote, bool backslashEscapes)
    {
        while (_position < line.Length)
        {
            var c = line[_position];
            if (backslashEscapes && c == '\\' && _position + 1 < line.Length)
            {
                Append(line.AsSpan(_position, 2));
                _position += 2;
                continue;
            }
            Append(c);
            _position++;
            if (c != quote) continue;
            if (At(line, _position, quote)) { Append(quote); _position++; continue; } // doubled: an escaped quote
            _state = State.Normal;
            return;
        }
    }

    private void ScanComment(string line)
    {
        while (_position < line.Length)
        {
            if (line[_position] == '/' && At(line, _position + 1, '*')) { _commentDepth++; Append("/*"); _position += 2; }
            else if (line[_position] == '*' && At(line, _position + 1, '/'))
            {
                Append("*/");
                _position += 2;
                if (--_commentDepth == 0) { _state = State.Normal; return; }
            }
            else { Append(line[_position]); _position++; }
        }
    }

    /// <summary>A backslash outside quotes: a psql meta-command running to the end of the line.</summary>
    private bool MetaCommand(string line)
    {
        var text = line[(_position + 1)..];
        var nameEnd = 0;
        while (nameEnd < text.Length && !char.IsWhiteSpace(text[nameEnd]) && (nameEnd == 0 || text[nameEnd] != '\\')) nameEnd++;
        _ready.Enqueue(new ScriptMetaCommand(text[..nameEnd], text[nameEnd..].Trim(), _lineNumber));
        _position = line.Length + 1;
        return true;
    }

    /// <summary>psql's heuristic: BEGIN ... END only nests inside CREATE [OR REPLACE] FUNCTION/PROCEDURE, outside parentheses.</summary>
    private void Identifier(string word)
    {
        var lower = word.ToLowerInvariant();
        if (_identifiers.Count < 4) _identifiers.Add(lower);
        if (lower == "concurrently") _concurrently = true;
        if (_parenDepth != 0 || !CreatesRoutine()) return;
        if (lower == "begin") _beginDepth++;
        else if (lower == "case" && _beginDepth > 0) _beginDepth++; // CASE ... END inside a body
        else if (lower == "end" && _beginDepth > 0) _beginDepth--;
    }

    private bool CreatesRoutine()
    {
        static bool Routine(string w) => w is "function" or "procedure";
        return _identifiers.Count >= 2 && _identifiers[0] == "create" &&
               (Routine(_identifiers[1]) ||
                (_identifiers.Count >= 4 && _identifiers[1] == "or" && _identifiers[2] == "replace" && Routine(_identifiers[3])));
    }

    /// <summary>Queues the statement collected so far (if it has content); returns true when it is a COPY from stdin.</summary>
    private bool EndStatement()
    {
        var isCopy = false;
        if (_hasContent)
        {
            var sql = _statement.ToString().TrimEnd();
            var first = _identifiers.Count > 0 ? _identifiers[0] : "";
            var second = _identifiers.Count > 1 ? _identifiers[1] : "";
            isCopy = first == "copy" && FromStdin(sql);
            if (isCopy) _ready.Enqueue(new ScriptCopy(sql, _startLine));
            else _ready.Enqueue(new ScriptStatement(sql, _startLine, RunsAlone(first, second) || _concurrently));
        }
        _statement.Clear();
        _hasContent = false;
        _parenDepth = 0;
        _beginDepth = 0;
        _identifiers.Clear();
        _concurrently = false;
        return isCopy;
    }

    private static bool RunsAlone(string first, string second) =>
        first == "vacuum" || (first is "create" or "drop" && second is "database" or "tablespace") || (first == "alter" && second == "system");

    private static bool FromStdin(string sql) =>
        System.Text.RegularExpressions.Regex.IsMatch(sql, @"\bfrom\s+stdin\b", System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    /// <summary>The first real token of a statement: what came before (blanks, comments) is dropped.</summary>
    private void Content()
    {
        if (_hasContent) return;
        _hasContent = true;
        _statement.Clear();
        _startLine = _lineNumber;
    }

    private void Append(char c) => _statement.Append(c);
    private void Append(string s) => _statement.Append(s);
    private void Append(ReadOnlySpan<char> s) => _statement.Append(s);

    private static bool At(string line, int index, char c) => index < line.Length && line[index] == c;

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_' || c > 127;

    private static bool IsIdentifierPart(char c) => IsIdentifierStart(c) || char.IsAsciiDigit(c) || c == '$';

    /// <summary><c>$tag$</c> or <c>$$</c> at <paramref name="index"/> (a positional parameter such as <c>$1</c> is not one).</summary>
    private static string? DollarTag(string line, int index)
    {
        var end = index + 1;
        if (end < line.Length && char.IsAsciiDigit(line[end])) return null;
        while (end < line.Length && line[end] != '$')
        {
            if (!IsIdentifierStart(line[end]) && !char.IsAsciiDigit(line[end])) return null;
            end++;
        }
        return end < line.Length ? line[index..(end + 1)] : null;
    }
}
