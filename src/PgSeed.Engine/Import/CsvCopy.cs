using System.Buffers;
using System.Text;
using Npgsql;

namespace PgSeed.Engine.Import;

/// <summary>
/// Streams a seed CSV into <c>COPY ... FROM STDIN (FORMAT csv)</c> in 64 kB chunks: memory stays flat
/// whatever the file size. Npgsql's raw binary COPY API refuses text formats, so this opens a text
/// import and writes the file's bytes to its underlying COPY stream (the seed is UTF-8 and the session's
/// client_encoding is UTF8, so no decoding is needed).
/// </summary>
internal static class CsvCopy
{
    private const int ChunkSize = 1 << 16;

    /// <summary>
    /// Runs <paramref name="copySql"/> (<c>COPY ... FROM STDIN</c>, text or CSV) and lets <paramref name="write"/> send the
    /// bytes to its stream. If <paramref name="write"/> fails (cancelled, the source of the bytes gone), the COPY is
    /// aborted instead of completed; completing it is where the server reports bad rows.
    /// </summary>
    public static async Task CopyStreamAsync(NpgsqlConnection connection, string copySql, Func<Stream, Task> write, CancellationToken cancellationToken)
    {
        var writer = await connection.BeginTextImportAsync(copySql, cancellationToken).ConfigureAwait(false);
        try
        {
            if (writer is not StreamWriter { BaseStream: { } raw }) throw new InvalidOperationException("Npgsql's text COPY writer no longer exposes its stream.");
            await write(raw).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not PostgresException)
        {
            try { if (writer is NpgsqlCopyTextWriter copy) await copy.CancelAsync().ConfigureAwait(false); } catch { /* the transaction is rolled back anyway */ }
            // A cancelled COPY has ended: disposing may only repeat that; the caller's error is the one to report.
            try { await writer.DisposeAsync().ConfigureAwait(false); } catch (ObjectDisposedException) { }
            throw;
        }
        await writer.DisposeAsync().ConfigureAwait(false);
    }

    /// <param name="progress">Called once per chunk with the bytes sent so far.</param>
    /// <param name="connection">The importing connection.</param>
    /// <param name="copySql">The <c>COPY ... FROM STDIN</c> statement.</param>
    /// <param name="path">The CSV file to send.</param>
    /// <param name="cancellationToken">Cancels the work (and its server queries).</param>
    public static async Task CopyFileAsync(NpgsqlConnection connection, string copySql, string path, CancellationToken cancellationToken,
        Action<long>? progress = null)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: true);
            await using var fileScope = file.ConfigureAwait(false);
            var writer = await connection.BeginTextImportAsync(copySql, cancellationToken).ConfigureAwait(false);
            try
            {
                if (writer is StreamWriter { BaseStream: { } raw })
                {
                    int n;
                    long sent = 0;
                    while ((n = await file.ReadAsync(buffer.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        await raw.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                        progress?.Invoke(sent += n);
                    }
                }
                else
                {
                    // Fallback if the writer ever stops exposing its stream: decode and let it re-encode.
                    using var reader = new StreamReader(file, new UTF8Encoding(false, true), false, ChunkSize);
                    var chars = new char[ChunkSize];
                    int n;
                    while ((n = await reader.ReadAsync(chars.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
                        await writer.WriteAsync(chars.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is not PostgresException)
            {
                // Our side failed (cancelled, unreadable file): abort the COPY instead of completing it.
                try { if (writer is NpgsqlCopyTextWriter copy) await copy.CancelAsync().ConfigureAwait(false); } catch { /* the transaction is rolled back anyway */ }
                // After the cancel the COPY stream is closed: disposing flushes into it, which must not hide the real error.
                try { await writer.DisposeAsync().ConfigureAwait(false); } catch (ObjectDisposedException) { }
                throw;
            }
            // Completing the COPY is where the server reports bad rows.
            await writer.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
