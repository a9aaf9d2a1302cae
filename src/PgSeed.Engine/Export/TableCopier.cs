using System.Buffers;
using System.Text;
using Npgsql;
using PgSeed.Engine.Seed;

namespace PgSeed.Engine.Export;

/// <summary>
/// Streams one <c>COPY ... TO STDOUT (FORMAT csv)</c> into a file, computing SHA-256, size and record
/// count on the way. Memory stays at a few buffers whatever the table size.
/// </summary>
internal static class TableCopier
{
    private const int CharBufferSize = 1 << 15;

    /// <param name="progress">Called once per chunk with the data rows and bytes so far (never per row).</param>
    public static async Task<(long Rows, long Bytes, string Sha256)> CopyToFileAsync(NpgsqlConnection connection, string copySql, string path,
        CancellationToken cancellationToken, Action<long, long>? progress = null)
    {
        var scanner = new CsvScanner();
        var chars = ArrayPool<char>.Shared.Rent(CharBufferSize);
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(CharBufferSize));
        var encoder = new UTF8Encoding(false).GetEncoder();
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            using (var reader = await connection.BeginTextExportAsync(copySql, cancellationToken))
            {
                int n;
                while ((n = await reader.ReadAsync(chars.AsMemory(0, CharBufferSize), cancellationToken)) > 0)
                {
                    var count = encoder.GetBytes(chars, 0, n, bytes, 0, flush: false);
                    scanner.Append(bytes.AsSpan(0, count));
                    await file.WriteAsync(bytes.AsMemory(0, count), cancellationToken);
                    progress?.Invoke(Math.Max(0, scanner.Records - 1), scanner.Bytes);
                }
                var tail = encoder.GetBytes(chars, 0, 0, bytes, 0, flush: true);
                if (tail > 0)
                {
                    scanner.Append(bytes.AsSpan(0, tail));
                    await file.WriteAsync(bytes.AsMemory(0, tail), cancellationToken);
                }
            }
            await file.FlushAsync(cancellationToken);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
            ArrayPool<byte>.Shared.Return(bytes);
        }
        return (Math.Max(0, scanner.Records - 1), scanner.Bytes, scanner.Sha256Hex());
    }
}
