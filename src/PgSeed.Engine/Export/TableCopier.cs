using System.Buffers;
using Npgsql;
using PgSeed.Engine.Seed;

namespace PgSeed.Engine.Export;

/// <summary>
/// Streams one <c>COPY ... TO STDOUT (FORMAT csv)</c> into a file, computing SHA-256, size and record
/// count on the way. Memory stays at one 64 kB buffer whatever the table size.
/// </summary>
/// <remarks>
/// The server sends one CopyData message per row and Npgsql's COPY stream returns at most one message per read,
/// so everything done per read is done per row. The bytes are therefore collected from many reads into a 64 kB
/// chunk first, and counting, hashing, writing and progress run once per chunk. They are the server's bytes as
/// sent: the session's client_encoding is UTF8 (<see cref="Connection.Sessions"/>) and the seed is UTF-8, so the
/// text is neither decoded nor re-encoded (the same bytes the decode-and-encode round trip used to produce).
/// Npgsql's raw COPY API refuses text formats, so this opens a text export and reads its underlying stream.
/// </remarks>
internal static class TableCopier
{
    private const int ChunkSize = 1 << 16;

    /// <param name="progress">Called once per chunk with the data rows and bytes so far (never per row).</param>
    /// <param name="connection">The connection holding the snapshot.</param>
    /// <param name="copySql">The <c>COPY ... TO STDOUT</c> statement.</param>
    /// <param name="path">The CSV file to write.</param>
    /// <param name="cancellationToken">Cancels the work (and its server queries).</param>
    public static async Task<(long Rows, long Bytes, string Sha256)> CopyToFileAsync(NpgsqlConnection connection, string copySql, string path,
        CancellationToken cancellationToken, Action<long, long>? progress = null)
    {
        var scanner = new CsvScanner();
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            // No FileStream buffer: every write is a whole chunk already.
            var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, useAsync: true);
            await using var fileScope = file.ConfigureAwait(false);
            // Disposed asynchronously: a COPY stopped early (a cancel, an error) is drained by the dispose, which must not
            // block a thread-pool thread meanwhile.
            var reader = await connection.BeginTextExportAsync(copySql, cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var copy = reader.BaseStream;
                var done = false;
                while (!done)
                {
                    var filled = 0;
                    while (filled < ChunkSize)
                    {
                        var n = await copy.ReadAsync(chunk.AsMemory(filled, ChunkSize - filled), cancellationToken).ConfigureAwait(false);
                        if (n == 0) { done = true; break; }
                        filled += n;
                    }
                    if (filled == 0) break;
                    scanner.Append(chunk.AsSpan(0, filled));
                    await file.WriteAsync(chunk.AsMemory(0, filled), cancellationToken).ConfigureAwait(false);
                    progress?.Invoke(Math.Max(0, scanner.Records - 1), scanner.Bytes);
                }
            }
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return (Math.Max(0, scanner.Records - 1), scanner.Bytes, scanner.Sha256Hex());
    }
}
