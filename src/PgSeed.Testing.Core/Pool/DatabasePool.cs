using Npgsql;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;
using PgSeed.Testing.Servers;

namespace PgSeed.Testing.Pool;

/// <summary>
/// Clones of one template handed out as leases, one test at a time each. The pool grows only when a lease is asked
/// for and none is free, so it ends up as large as the number of tests that ran at once; once tests overlap it keeps
/// one spare clone ready, made in the background (never beyond <see cref="Environment.ProcessorCount"/>, xUnit's
/// default number of parallel threads, unless more tests really ran at once). A returned database is reset in place
/// by its lease, so a clone is made once per concurrent slot, not once per test.
/// </summary>
internal sealed class DatabasePool
{
    private readonly IPostgresServer _server;
    private readonly string _template;
    private readonly PgSeedOptions _options;
    private readonly Action<string> _log;
    private readonly object _gate = new();
    private readonly Stack<ClonedDatabase> _idle = new();
    private readonly HashSet<ClonedDatabase> _all = new();
    private readonly Queue<TaskCompletionSource<ClonedDatabase?>> _waiting = new();
    private readonly List<Task> _background = new();
    private int _leased;
    private int _filling;
    private int _creating; // clones being made on demand for leases that found none free
    private int _peak;
    private bool _disposed;

    public DatabasePool(IPostgresServer server, string template, PgSeedOptions options, Action<string> log)
    {
        _server = server;
        _template = template;
        _options = options;
        _log = log;
    }

    /// <summary>Databases made so far (clones, not counting re-clones of one database).</summary>
    public int Created { get; private set; }

    /// <summary>Most leases out at once.</summary>
    public int PeakLeased { get { lock (_gate) return _peak; } }

    /// <summary>Leases out now.</summary>
    public int Leased { get { lock (_gate) return _leased; } }

    /// <summary>Makes the first clone, so configuration and server errors surface when the fixture starts.</summary>
    public async Task WarmAsync(CancellationToken cancellationToken)
    {
        var db = await CreateAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate) _idle.Push(db);
    }

    public async Task<ClonedDatabase> AcquireAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<ClonedDatabase?>? wait = null;
        var counted = false;
        lock (_gate)
        {
            ThrowIfDisposed();
            _leased++;
            _peak = Math.Max(_peak, _leased);
            if (_idle.TryPop(out var idle))
            {
                FillAheadLocked();
                return idle;
            }
            if (_waiting.Count < _filling)
            {
                // A clone is on its way: take it rather than make another.
                wait = new TaskCompletionSource<ClonedDatabase?>(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting.Enqueue(wait);
            }
            else
            {
                // Counted from the decision on, so a fill-ahead started meanwhile sees this clone coming.
                _creating++;
                counted = true;
            }
        }
        try
        {
            if (wait is not null && await wait.Task.WaitAsync(cancellationToken).ConfigureAwait(false) is { } handed) return handed;
            if (!counted)
            {
                lock (_gate) _creating++;
                counted = true;
            }
            ClonedDatabase db;
            try { db = await CreateAsync(cancellationToken).ConfigureAwait(false); }
            finally
            {
                lock (_gate) _creating--;
            }
            lock (_gate) FillAheadLocked();
            return db;
        }
        catch (OperationCanceledException) when (wait is not null && !wait.TrySetCanceled(cancellationToken) && wait.Task.Result is { } handedLate)
        {
            Release(handedLate); // handed over just as the wait was cancelled: give it back
            throw;
        }
        catch
        {
            lock (_gate) _leased--;
            throw;
        }
    }

    /// <summary>Takes back a leased database that is in its seeded state again (handed straight to a waiting lease, if any).</summary>
    public void Release(ClonedDatabase db)
    {
        lock (_gate)
        {
            if (_disposed) return; // dropped by DisposeAsync
            // The lease passes from the returning test to a waiting one (a cancelled waiter refuses it): the count stays.
            while (_waiting.TryDequeue(out var waiter))
                if (waiter.TrySetResult(db)) return;
            _leased--;
            _idle.Push(db);
        }
    }

    /// <summary>A leased database that could not be reset: dropped and forgotten, the pool makes another when needed.</summary>
    public async Task DiscardAsync(ClonedDatabase db)
    {
        lock (_gate)
        {
            _all.Remove(db);
            _leased--;
        }
        try { await db.DisposeAsync().ConfigureAwait(false); }
        catch (Exception e) when (e is NpgsqlException or PgSeedException) { _log($"PgSeed: could not drop {db.Name}: {ConnectionResolver.Redact(e.Message)}"); }
    }

    /// <summary>Drops every database. Returns how many were still leased (the caller reports it).</summary>
    public async Task<int> DisposeAsync()
    {
        Task[] background;
        lock (_gate)
        {
            if (_disposed) return 0;
            _disposed = true;
            background = _background.ToArray();
            while (_waiting.TryDequeue(out var w)) w.TrySetException(Disposed());
        }
        try { await Task.WhenAll(background).ConfigureAwait(false); } catch (Exception) { /* logged where it happened */ }
        ClonedDatabase[] all;
        int leased;
        lock (_gate)
        {
            all = _all.ToArray();
            _all.Clear();
            _idle.Clear();
            leased = _leased;
        }
        foreach (var db in all) await db.DisposeAsync().ConfigureAwait(false);
        return leased;
    }

    private async Task<ClonedDatabase> CreateAsync(CancellationToken cancellationToken)
    {
        ClonedDatabase db;
        try
        {
            db = await ClonedDatabase.CreateAsync(_server, _template, _options, _log, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or PostgresException && !cancellationToken.IsCancellationRequested)
        {
            int size;
            lock (_gate) size = _all.Count;
            throw new PgSeedException(TestingErrorCode.PoolCannotGrow,
                $"The database pool could not grow beyond {size} clone(s) of template {_template}: {ConnectionResolver.Redact(e.Message)}. " +
                "Fewer tests at once (xUnit's maxParallelThreads), a server that allows more connections and databases " +
                "(max_connections, the role's CONNECTION LIMIT and CREATEDB), or .SingleDatabase() fixes it.", e);
        }
        lock (_gate)
        {
            Created++;
            if (_disposed)
            {
                _background.Add(Task.Run(async () => await db.DisposeAsync().ConfigureAwait(false), CancellationToken.None));
                throw Disposed();
            }
            _all.Add(db);
        }
        return db;
    }

    /// <summary>Once tests overlap and the last free clone is gone, make the next one in the background.</summary>
    private void FillAheadLocked()
    {
        if (_idle.Count > 0 || _filling > 0 || _leased < 2 || _disposed) return;
        if (_all.Count + _creating >= Math.Max(Environment.ProcessorCount, _peak)) return;
        _filling++;
        _background.RemoveAll(t => t.IsCompleted);
        _background.Add(Task.Run(async () =>
        {
            ClonedDatabase? db = null;
            try
            {
                db = await CreateAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // The next lease that needs a clone makes one itself and reports the error if it recurs.
                if (e is not PgSeedException { Code: TestingErrorCode.LeasesOutstanding }) _log($"PgSeed: filling the database pool ahead failed: {ConnectionResolver.Redact(e.Message)}");
            }
            lock (_gate)
            {
                _filling--;
                if (db is null)
                {
                    while (_waiting.TryDequeue(out var waiter)) // each waiting lease makes its own
                        waiter.TrySetResult(null);
                    return;
                }
                if (_disposed) return; // DisposeAsync drops it with the others
                while (_waiting.TryDequeue(out var waiter))
                    if (waiter.TrySetResult(db)) return;
                _idle.Push(db);
            }
        }, CancellationToken.None));
    }

    private void ThrowIfDisposed()
    {
        if (_disposed) throw Disposed();
    }

    private static PgSeedException Disposed() =>
        new(TestingErrorCode.LeasesOutstanding, "The fixture was disposed: its database pool hands out no more leases.");
}
