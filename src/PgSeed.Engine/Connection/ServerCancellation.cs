using Npgsql;

namespace PgSeed.Engine.Connection;

/// <summary>
/// Makes a cancelled token stop the work on the server too. A token cancels the client's wait, but a
/// long COPY or query can keep running in the backend; this asks the server to cancel it by
/// calling <c>pg_cancel_backend</c> from a second connection. Disposing waits (briefly) for that request, so a
/// process that exits right after a cancellation does not leave its statements running.
/// </summary>
internal sealed class ServerCancellation : IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);
    private CancellationTokenRegistration _registration;
    private volatile Task _request = Task.CompletedTask;

    private ServerCancellation() { }

    public static ServerCancellation Register(NpgsqlConnection connection, string connectionString, CancellationToken token)
    {
        var cancellation = new ServerCancellation();
        if (!token.CanBeCanceled) return cancellation;
        var pid = connection.ProcessID;
        cancellation._registration = token.Register(() => cancellation._request = Task.Run(() => CancelAsync(connectionString, pid)));
        return cancellation;
    }

    /// <summary>
    /// As <see cref="Register(NpgsqlConnection, string, CancellationToken)"/>, the side connection cloned from
    /// <paramref name="connection"/> (<see cref="NpgsqlConnection.CloneWith"/>): the same user, password and TLS
    /// callbacks, also for a connection from a data source whose connection string hides its password.
    /// </summary>
    internal static ServerCancellation Register(NpgsqlConnection connection, CancellationToken token)
    {
        var cancellation = new ServerCancellation();
        if (!token.CanBeCanceled) return cancellation;
        var pid = connection.ProcessID;
        var side = new NpgsqlConnectionStringBuilder(connection.ConnectionString) { Pooling = false, Timeout = 5, CommandTimeout = 5 }.ConnectionString;
        cancellation._registration = token.Register(() => cancellation._request = Task.Run(() => CancelAsync(() => connection.CloneWith(side), pid)));
        return cancellation;
    }

    private static Task CancelAsync(string connectionString, int pid) =>
        CancelAsync(() => new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 5, CommandTimeout = 5 }.ConnectionString), pid);

    private static async Task CancelAsync(Func<NpgsqlConnection> sideConnection, int pid)
    {
        try
        {
            var side = sideConnection();
            await using var sideScope = side.ConfigureAwait(false);
            await side.OpenAsync().ConfigureAwait(false);
            var cmd = new NpgsqlCommand("SELECT pg_catalog.pg_cancel_backend(@pid)", side);
            await using var cmdScope = cmd.ConfigureAwait(false);
            cmd.Parameters.AddWithValue("pid", pid);
            await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
        {
            // Best effort: the connection is being torn down anyway, which ends the backend's work too.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _registration.DisposeAsync().ConfigureAwait(false);
        try { await _request.WaitAsync(Patience).ConfigureAwait(false); }
        catch (TimeoutException) { /* the server did not answer; closing the connection is all that is left */ }
    }

    public void Dispose()
    {
        _registration.Dispose();
        try { _request.Wait(Patience); }
        catch (AggregateException) { /* CancelAsync swallows its errors; nothing else can fail here */ }
    }
}
