using System.Buffers;
using Npgsql;
using PgSeed.Engine.Export;
using PgSeed.Engine.Import;
using PgSeed.Engine.Seed;

namespace PgSeed.Engine.Copy;

/// <summary>
/// A table's CSV as its COPY out of the source produces it (<see cref="SourceStreams"/>), written straight into the
/// target's COPY: no file, no parsing, only the records counted on the way (quote-aware).
/// </summary>
internal sealed class StreamedCsv(PlannedTable table, SourceStreams streams, Func<long> expectedRows) : CsvSource
{
    public override string Name => $"{table.Name.Display} (source)";

    public override (long Rows, long Bytes) Expected => (expectedRows(), 0);

    public override async Task<(long Rows, long Bytes)> CopyIntoAsync(NpgsqlConnection target, string copySql, Action<long, long>? progress,
        CancellationToken cancellationToken)
    {
        var feed = await streams.FeedAsync(table, cancellationToken).ConfigureAwait(false);
        var counter = new CsvScanner(hash: false);
        await CsvCopy.CopyStreamAsync(target, copySql, async stream =>
        {
            await foreach (var chunk in feed.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    counter.Append(chunk.Buffer.AsSpan(0, chunk.Count));
                    await stream.WriteAsync(chunk.Buffer.AsMemory(0, chunk.Count), cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(chunk.Buffer);
                }
                progress?.Invoke(Math.Max(0, counter.Records - 1), counter.Bytes);
            }
        }, cancellationToken).ConfigureAwait(false);
        return (Math.Max(0, counter.Records - 1), counter.Bytes);
    }
}
