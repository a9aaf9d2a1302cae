using System.Text;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Diff;

/// <summary>
/// Reads the records of a seed CSV one at a time (PostgreSQL's CSV: <c>,</c> separator, <c>"</c> quoting with
/// <c>""</c> escapes, <c>\n</c> record ends). An unquoted empty field is NULL (<c>null</c>); a quoted empty one is
/// the empty string. Only the current record is held in memory.
/// </summary>
internal sealed class CsvRecordReader : IDisposable
{
    private readonly Stream _stream;
    private readonly string _file;
    private readonly byte[] _buffer = new byte[1 << 16];
    private readonly List<string?> _fields = new();
    private byte[] _field = new byte[256];
    private int _fieldLength;
    private int _position;
    private int _length;

    public CsvRecordReader(string path)
    {
        _file = path;
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
    }

    /// <summary>Records read so far, the header included (so the last one read is on this line of a file without multi-line values).</summary>
    public long Records { get; private set; }

    /// <summary>The next record, or null at the end of the file.</summary>
    public string?[]? Read()
    {
        if (_position == _length && !Fill()) return null;
        _fields.Clear();
        while (true)
        {
            int terminator;
            if (_buffer[_position] == (byte)'"')
            {
                _position++;
                _fields.Add(ReadQuoted(out terminator));
            }
            else _fields.Add(ReadUnquoted(out terminator));
            if (terminator != ',') break;
            if (_position == _length && !Fill())
            {
                _fields.Add(null); // a trailing separator: one more NULL field
                break;
            }
        }
        Records++;
        return _fields.ToArray();
    }

    private string? ReadUnquoted(out int terminator)
    {
        _fieldLength = 0;
        while (true)
        {
            if (_position == _length && !Fill())
            {
                terminator = -1;
                break;
            }
            var span = _buffer.AsSpan(_position, _length - _position);
            var i = span.IndexOfAny((byte)',', (byte)'\n');
            if (i < 0)
            {
                Append(span);
                _position = _length;
                continue;
            }
            Append(span[..i]);
            _position += i + 1;
            terminator = span[i];
            break;
        }
        return _fieldLength == 0 ? null : Decode();
    }

    private string ReadQuoted(out int terminator)
    {
        _fieldLength = 0;
        while (true)
        {
            if (_position == _length && !Fill()) throw Malformed("ends inside a quoted value (the file is truncated)");
            var span = _buffer.AsSpan(_position, _length - _position);
            var i = span.IndexOf((byte)'"');
            if (i < 0)
            {
                Append(span);
                _position = _length;
                continue;
            }
            Append(span[..i]);
            _position += i + 1;
            if (_position == _length && !Fill()) { terminator = -1; return Decode(); }
            if (_buffer[_position] != (byte)'"') break;
            Append("\""u8); // "" inside quotes
            _position++;
        }
        terminator = _buffer[_position++];
        if (terminator is not (',' or '\n')) throw Malformed("has a character after a closing quote");
        return Decode();
    }

    private bool Fill()
    {
        _length = _stream.Read(_buffer, 0, _buffer.Length);
        _position = 0;
        return _length > 0;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_fieldLength + bytes.Length > _field.Length) Array.Resize(ref _field, Math.Max(_field.Length * 2, _fieldLength + bytes.Length));
        bytes.CopyTo(_field.AsSpan(_fieldLength));
        _fieldLength += bytes.Length;
    }

    private string Decode() => Encoding.UTF8.GetString(_field, 0, _fieldLength);

    private PgSeedException Malformed(string what) =>
        new(ErrorCode.CsvHeaderInvalid, $"{Path.GetFileName(_file)} {what} at record {Records + 1}.") { File = _file, Line = (int)Math.Min(int.MaxValue, Records + 1) };

    public void Dispose() => _stream.Dispose();
}
