using System.Buffers;
using System.Threading.Channels;
using Npgsql;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Copy;

/// <summary>
/// The source side of a copy: each table's <c>COPY ... TO STDOUT (FORMAT csv)</c>, started in the order the target loads
/// them, on the source's connections (all on the export's one snapshot). A table's bytes go through a small bounded
/// channel (<see cref="ChunksPerTable"/> chunks of 64 kB): with one connection the tables stream one after another;
/// with more, the next tables are read ahead while the target — one transaction on one connection — loads the current
/// one, and a connection is free again once its table is read. Memory stays at a few MB whatever the tables' sizes.
/// Tables are handed out strictly in load order, so a reader never waits on a table the target reaches later.
/// </summary>
internal sealed class SourceStreams : IAsyncDisposable
{
    private const int ChunkSize = 1 << 16;
    public const int ChunksPerTable = 16;

    private readonly ExportSource _source;
    private readonly ISeedLog _log;
    private readonly CancellationTokenSource _stop;
    private readonly Dictionary<PlannedTable, TaskCompletionSource<ChannelReader<Chunk>>> _feeds = new();
    private readonly List<Task> _readers = new();
    private Task _scheduler = Task.CompletedTask;
    private int _disposed;

    internal readonly record struct Chunk(byte[] Buffer, int Count);

    public SourceStreams(ExportSource source, ISeedLog log, CancellationToken cancellationToken)
    {
        _source = source;
        _log = log;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    /// <summary>
    /// Starts reading <paramref name="order"/> over <paramref name="connections"/> (the main one first). A table whose
    /// row set only the main session can read (the server closure's temporary tables) waits for the main connection.
    /// </summary>
    public void Start(IReadOnlyList<NpgsqlConnection> connections, IReadOnlyList<PlannedTable> order)
    {
        foreach (var t in order) _feeds[t] = new TaskCompletionSource<ChannelReader<Chunk>>(TaskCreationOptions.RunContinuationsAsynchronously);
        _scheduler = Task.Run(() => ScheduleAsync(connections, order));
    }

    /// <summary>
    /// Whether an extra connection can read the table: any table with the client closure (its statements name the rows
    /// by value); with the server closure only complete ones, whose rows need no key from the main session.
    /// </summary>
    public static Func<PlannedTable, bool> WorksOnWorker(ExportSource source) =>
        t => !source.Store.StaysOnMain(t) && (t.All || source.Mode == ClosureMode.Client);

    /// <summary>The bytes of <paramref name="table"/>'s CSV, as they are read.</summary>
    public async Task<ChannelReader<Chunk>> FeedAsync(PlannedTable table, CancellationToken cancellationToken) =>
        await _feeds[table].Task.WaitAsync(cancellationToken).ConfigureAwait(false);

    private async Task ScheduleAsync(IReadOnlyList<NpgsqlConnection> connections, IReadOnlyList<PlannedTable> order)
    {
        var free = new List<NpgsqlConnection>(connections);
        var onWorker = WorksOnWorker(_source);
        using var released = new SemaphoreSlim(0);
        try
        {
            foreach (var table in order)
            {
                NpgsqlConnection? connection;
                while (true)
                {
                    lock (free)
                    {
                        connection = free.FirstOrDefault(c => c == connections[0] || onWorker(table));
                        if (connection is not null) free.Remove(connection);
                    }
                    if (connection is not null) break;
                    await released.WaitAsync(_stop.Token).ConfigureAwait(false);
                }
                var channel = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(ChunksPerTable) { SingleReader = true, SingleWriter = true });
                _feeds[table].SetResult(channel.Reader);
                var reading = ReadAsync(connection, connection != connections[0], table, channel.Writer);
                _readers.Add(reading.ContinueWith(_ =>
                {
                    lock (free) free.Add(connection);
                    released.Release();
                }, TaskScheduler.Default));
            }
            await Task.WhenAll(_readers).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            foreach (var feed in _feeds.Values) feed.TrySetCanceled(_stop.Token);
        }
    }

    private async Task ReadAsync(NpgsqlConnection connection, bool onWorker, PlannedTable table, ChannelWriter<Chunk> writer)
    {
        try
        {
            var sql = _source.Store.CopyOut(table, onWorker, _source.Sizes, ordered: false);
            _log.Sql(SqlArrays.Abbreviate(sql));
            var reader = await connection.BeginTextExportAsync(sql, _stop.Token).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false); // drained asynchronously when stopped early
            if (reader is not StreamReader { BaseStream: { } raw }) throw new InvalidOperationException("Npgsql's text COPY reader no longer exposes its stream.");
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
                var count = 0;
                try
                {
                    int n;
                    // Fill the chunk: COPY hands out a row per message, far too small to pass along one by one.
                    while (count < ChunkSize && (n = await raw.ReadAsync(buffer.AsMemory(count, ChunkSize - count), _stop.Token).ConfigureAwait(false)) > 0) count += n;
                    if (count > 0) await writer.WriteAsync(new Chunk(buffer, count), _stop.Token).ConfigureAwait(false);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer); // not handed over: the reader side never sees it
                    throw;
                }
                if (count == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }
                if (count < ChunkSize) break;
            }
            writer.TryComplete();
        }
        catch (Exception e)
        {
            writer.TryComplete(Failure(e, table));
        }
    }

    /// <summary>What the target's side sees when reading the source failed: the source is named, the target is rolled back.</summary>
    private Exception Failure(Exception e, PlannedTable table) => e switch
    {
        OperationCanceledException => e,
        _ when _stop.IsCancellationRequested => new OperationCanceledException("cancelled", e, _stop.Token),
        PostgresException pe => new PgSeedException(ErrorCode.CopySourceFailed,
            $"Reading {table.Name.Display} from the source failed: {Connection.ConnectionResolver.Redact(pe.MessageText)}" +
            (table.Transforms.Count > 0 ? " (check its transforms and masks)" : "") + ". Nothing was written to the target: its transaction was rolled back.", e)
            { Table = table.Name.Display },
        NpgsqlException or IOException or ObjectDisposedException => new PgSeedException(ErrorCode.CopySourceFailed,
            $"The connection to the source was lost while reading {table.Name.Display}: {Connection.ConnectionResolver.Redact(e.Message)}. " +
            "Nothing was written to the target: its transaction was rolled back. Check the source server and copy again.", e)
            { Table = table.Name.Display },
        _ => e,
    };

    /// <summary>Stops every read still running (cancelling its COPY on the server) and returns the buffers.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _stop.Cancel();
        try { await _scheduler.ConfigureAwait(false); } catch { /* reported by the target's side */ }
        try { await Task.WhenAll(_readers).ConfigureAwait(false); } catch { }
        foreach (var feed in _feeds.Values)
        {
            if (!feed.Task.IsCompletedSuccessfully) continue;
            while (feed.Task.Result.TryRead(out var chunk)) ArrayPool<byte>.Shared.Return(chunk.Buffer);
        }
        _stop.Dispose();
    }
}
