using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PgSeed.Engine.Seed;

namespace PgSeed.Bench;

/// <summary>
/// The client-side stages of PgSeed's COPY-out path (<c>TableCopier</c>) replayed on the bytes of a seed CSV file held
/// in memory, one stage at a time, with no server and no network: what each stage costs per byte on this CPU, free of
/// the noise of a live COPY. The stages: UTF-8 → UTF-16 (what Npgsql's text COPY reader does), UTF-16 → UTF-8 (what
/// TableCopier does before writing), record counting, SHA-256, both together as <see cref="CsvScanner"/>, file write.
/// </summary>
internal static class StageReplay
{
    private const int CharBuffer = 1 << 15; // TableCopier's buffer sizes
    private const int ByteChunk = 1 << 16;

    public sealed record Row(string Stage, double NanosecondsPerByte);

    public static async Task<IReadOnlyList<Row>> RunAsync(string csvPath, int iterations, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(csvPath, cancellationToken);
        var chars = new UTF8Encoding(false).GetChars(bytes);
        var rows = new List<Row>();
        double Time(Action run)
        {
            run(); // warm-up (JIT, caches)
            var samples = new List<double>();
            for (var i = 0; i < iterations; i++)
            {
                var watch = Stopwatch.StartNew();
                run();
                samples.Add(watch.Elapsed.TotalSeconds * 1e9 / bytes.Length);
            }
            return Measurement.Median(samples);
        }

        rows.Add(new("UTF-8 → UTF-16 decode (Npgsql's text COPY reader)", Time(() =>
        {
            var decoder = new UTF8Encoding(false).GetDecoder();
            var buffer = new char[ByteChunk];
            for (var o = 0; o < bytes.Length; o += ByteChunk)
                decoder.GetChars(bytes, o, Math.Min(ByteChunk, bytes.Length - o), buffer, 0, flush: false);
        })));
        rows.Add(new("UTF-16 → UTF-8 encode (TableCopier)", Time(() =>
        {
            var encoder = new UTF8Encoding(false).GetEncoder();
            var buffer = new byte[Encoding.UTF8.GetMaxByteCount(CharBuffer)];
            for (var o = 0; o < chars.Length; o += CharBuffer)
                encoder.GetBytes(chars, o, Math.Min(CharBuffer, chars.Length - o), buffer, 0, flush: false);
        })));
        rows.Add(new("record counting (quote-aware)", Time(() =>
        {
            var counter = new RecordCounter();
            for (var o = 0; o < bytes.Length; o += ByteChunk) counter.Append(bytes.AsSpan(o, Math.Min(ByteChunk, bytes.Length - o)));
        })));
        rows.Add(new("SHA-256 (`IncrementalHash`)", Time(() =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            for (var o = 0; o < bytes.Length; o += ByteChunk) hash.AppendData(bytes.AsSpan(o, Math.Min(ByteChunk, bytes.Length - o)));
            hash.GetHashAndReset();
        })));
        rows.Add(new("`CsvScanner.Append` (count + SHA-256, the engine's code)", Time(() =>
        {
            var scanner = new CsvScanner();
            for (var o = 0; o < bytes.Length; o += ByteChunk) scanner.Append(bytes.AsSpan(o, Math.Min(ByteChunk, bytes.Length - o)));
            scanner.Sha256Hex();
        })));
        var target = Path.Combine(Path.GetTempPath(), $"pgseed-bench-replay-{Guid.NewGuid():N}.csv");
        rows.Add(new("file write (async `FileStream`, 64 kB writes, to /tmp)", Time(() =>
        {
            using (var file = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, ByteChunk, useAsync: true))
                for (var o = 0; o < bytes.Length; o += ByteChunk)
                    file.WriteAsync(bytes.AsMemory(o, Math.Min(ByteChunk, bytes.Length - o))).AsTask().GetAwaiter().GetResult();
            File.Delete(target);
        })));
        return rows;
    }

    /// <summary>The record counting of <see cref="CsvScanner"/> without its hash, to price the two apart.</summary>
    internal sealed class RecordCounter
    {
        private bool _inQuotes;
        public long Records { get; private set; }

        public void Append(ReadOnlySpan<byte> span)
        {
            if (!_inQuotes && span.IndexOf((byte)'"') < 0)
            {
                Records += span.Count((byte)'\n');
                return;
            }
            while (!span.IsEmpty)
            {
                var i = _inQuotes ? span.IndexOf((byte)'"') : span.IndexOfAny((byte)'"', (byte)'\n');
                if (i < 0) break;
                if (span[i] == (byte)'"') _inQuotes = !_inQuotes;
                else Records++;
                span = span[(i + 1)..];
            }
        }
    }

    /// <summary>A markdown table: ns/byte per stage and what that costs for <paramref name="totalBytes"/> of CSV.</summary>
    public static string Render(IReadOnlyList<(string Table, double Megabytes, IReadOnlyList<Row> Rows)> results, long totalBytes)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"| stage | {string.Join(" | ", results.Select(r => $"{r.Table} ({r.Megabytes:0.0} MB) ns/byte"))} | s for the whole export's {totalBytes / 1e6:0.0} MB |");
        sb.AppendLine($"|---|{string.Concat(results.Select(_ => "---:|"))}---:|");
        for (var i = 0; i < results[0].Rows.Count; i++)
        {
            var perByte = results.Select(r => r.Rows[i].NanosecondsPerByte).ToList();
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {results[0].Rows[i].Stage} | {string.Join(" | ", perByte.Select(v => v.ToString("0.00", CultureInfo.InvariantCulture)))} | {perByte.Average() * totalBytes / 1e9:0.00} |"));
        }
        return sb.ToString();
    }
}
