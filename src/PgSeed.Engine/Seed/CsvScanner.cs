using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Seed;

/// <summary>
/// Streaming facts about a PostgreSQL CSV file: SHA-256, size, number of records (quote-aware, so a
/// newline inside a quoted value is not a new record). Memory stays flat whatever the file size.
/// </summary>
internal sealed class CsvScanner(bool hash = true)
{
    /// <summary>Null when only counting (a streamed copy has no file to sign).</summary>
    private readonly IncrementalHash? _hash = hash ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
    private bool _inQuotes;
    private bool _lastWasNewline = true;

    public long Bytes { get; private set; }

    /// <summary>Complete records seen, the header included.</summary>
    public long Records { get; private set; }

    /// <summary>True when the data seen so far ends inside a quoted value (a truncated file).</summary>
    public bool EndsInsideQuotes => _inQuotes;

    /// <summary>True when the data ends with a partial record (no final newline).</summary>
    public bool EndsMidRecord => !_lastWasNewline;

    public void Append(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        _hash?.AppendData(data);
        Bytes += data.Length;
        var span = data;
        if (!_inQuotes && span.IndexOf((byte)'"') < 0)
        {
            // No quoted value in this chunk (most chunks of most tables): every newline ends a record. Vectorized.
            Records += span.Count((byte)'\n');
            span = default;
        }
        while (!span.IsEmpty)
        {
            var i = _inQuotes ? span.IndexOf((byte)'"') : span.IndexOfAny((byte)'"', (byte)'\n');
            if (i < 0) break;
            if (span[i] == (byte)'"') _inQuotes = !_inQuotes; // "" inside quotes toggles twice: net no change
            else Records++;
            span = span[(i + 1)..];
        }
        _lastWasNewline = data[^1] == (byte)'\n' && !_inQuotes;
    }

    public string Sha256Hex() => Convert.ToHexString((_hash ?? throw new InvalidOperationException("a counting scanner has no hash")).GetHashAndReset()).ToLowerInvariant();

    /// <summary>Scans a whole file.</summary>
    public static async Task<CsvScanner> ScanFileAsync(string path, CancellationToken cancellationToken)
    {
        var scanner = new CsvScanner();
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            await using var streamScope = stream.ConfigureAwait(false);
            int n;
            while ((n = await stream.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
                scanner.Append(buffer.AsSpan(0, n));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return scanner;
    }

    /// <summary>
    /// Reads the header record (column names) of a CSV file written by COPY ... (FORMAT csv, HEADER).
    /// </summary>
    public static IReadOnlyList<string> ReadHeader(string path, string tableName)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        using var reader = new StreamReader(stream, new UTF8Encoding(false, true));
        var names = new List<string>();
        var sb = new StringBuilder();
        bool inQuotes = false, any = false;
        while (true)
        {
            var c = reader.Read();
            if (c < 0)
            {
                if (inQuotes || !any)
                    throw new PgSeedException(ErrorCode.CsvHeaderInvalid, $"{Path.GetFileName(path)} has no complete header line.") { File = path, Table = tableName, Line = 1 };
                break;
            }
            any = true;
            var ch = (char)c;
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"') { reader.Read(); sb.Append('"'); }
                    else inQuotes = false;
                }
                else sb.Append(ch);
            }
            else if (ch == '"') inQuotes = true;
            else if (ch == ',') { names.Add(sb.ToString()); sb.Clear(); }
            else if (ch == '\n') break;
            else if (ch != '\r') sb.Append(ch);
        }
        names.Add(sb.ToString());
        return names;
    }
}
