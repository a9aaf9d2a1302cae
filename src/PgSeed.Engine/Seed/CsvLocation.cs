using System.Buffers;

namespace PgSeed.Engine.Seed;

/// <summary>
/// Where a CSV record is: its number (the header is record 1, so the first data row is record 2) and the physical
/// lines it spans (a quoted value may hold line breaks, so record and line numbers can differ). Errors show both:
/// the record is what the manifest counts, the line is what an editor shows.
/// </summary>
internal readonly record struct CsvLocation(long Record, long FirstLine, long LastLine)
{
    public override string ToString() =>
        FirstLine == LastLine ? $"record {Record} (line {FirstLine})" : $"record {Record} (lines {FirstLine}-{LastLine})";

    /// <summary>
    /// The record that ends on physical line <paramref name="line"/> (or spans it): PostgreSQL's COPY reports the
    /// line where the failing record ends. Null when the file has no such line. Reads the file once; errors only.
    /// </summary>
    public static CsvLocation? ForLine(string path, long line) => Scan(path, l => l.LastLine >= line);

    /// <summary>Where record <paramref name="record"/> is (header = 1); null when the file has fewer records.</summary>
    public static CsvLocation? ForRecord(string path, long record) => Scan(path, l => l.Record == record);

    /// <summary>The last record, complete or not (the partial record of a truncated file).</summary>
    public static CsvLocation? Last(string path) => Scan(path, _ => false, lastIfNone: true);

    private static CsvLocation? Scan(string path, Func<CsvLocation, bool> found, bool lastIfNone = false)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            long record = 1, line = 1, firstLine = 1;
            var inQuotes = false;
            var pending = false; // bytes seen since the last record ended
            CsvLocation? previous = null;
            int n;
            while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                for (var i = 0; i < n; i++)
                {
                    var b = buffer[i];
                    if (b == (byte)'"') { inQuotes = !inQuotes; pending = true; }
                    else if (b != (byte)'\n') pending = true;
                    else if (inQuotes) line++;
                    else
                    {
                        var location = new CsvLocation(record, firstLine, line);
                        if (found(location)) return location;
                        previous = location;
                        record++;
                        line++;
                        firstLine = line;
                        pending = false;
                    }
                }
            }
            if (pending)
            {
                var partial = new CsvLocation(record, firstLine, line);
                if (found(partial) || lastIfNone) return partial;
            }
            return lastIfNone ? previous : null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
