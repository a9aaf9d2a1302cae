using Npgsql;

namespace PgSeed.Engine.Connection;

/// <summary>
/// Makes a cancelled token stop the work on the server too. A token cancels the client's wait, but a
/// long COPY or query can keep running in the backend; this asks the server to cancel it by
/// calling <c>pg_cancel_backend</c> from a second connection.
/// </summary>
public static class ServerCancellation
{
    public static CancellationTokenRegistration Register(NpgsqlConnection connection, string connectionString, CancellationToken token)
    {
        if (!token.CanBeCanceled) return default;
        var pid = connection.ProcessID;
        return token.Register(() =>
        {
            // Fire and forget: the caller is already unwinding with OperationCanceledException.
            _ = Task.Run(async () =>
            {
                try
                {
                    var b = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 5 };
                    await using var side = new NpgsqlConnection(b.ConnectionString);
                    await side.OpenAsync();
                    await using var cmd = new NpgsqlCommand("SELECT pg_cancel_backend(@pid)", side);
                    cmd.Parameters.AddWithValue("pid", pid);
                    await cmd.ExecuteNonQueryAsync();
                }
                catch
                {
                    // Best effort: the connection is being torn down anyway.
                }
            });
        });
    }
}
