using Npgsql;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Connection;

/// <summary>Opening connections with the session settings that make seed text deterministic.</summary>
internal static class Sessions
{
    /// <summary>
    /// Settings that fix the text form of values, so a seed does not depend on the server's or client's
    /// locale or time zone: ISO dates, UTC timestamps, shortest exact floats, hex bytea, C money. And standard
    /// string literals: the literals PgSeed writes (client-closure keys, salts, masks) double quotes only, so a
    /// database or role set to <c>standard_conforming_strings = off</c> would read their backslashes as escapes.
    /// </summary>
    public const string DeterministicSettings =
        "SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET TimeZone = 'UTC'; " +
        "SET extra_float_digits = 1; SET bytea_output = 'hex'; SET lc_monetary = 'C'; SET client_encoding = 'UTF8'; " +
        "SET standard_conforming_strings = on";

    /// <summary>
    /// Settings for export sessions: the closure and the sorted COPY are big joins, sorts and temp-table
    /// writes. Temp tables live in session-local buffers (default 8 MB, settable only before first use), sorts
    /// spill to disk past work_mem (default 4 MB), and JIT compilation of the large COPY queries costs more
    /// than it saves for a one-shot scan.
    /// </summary>
    public const string ExportSettings = "SET temp_buffers = '256MB'; SET work_mem = '64MB'; SET jit = off; SET default_statistics_target = 10";

    /// <summary>Opens a connection (no pooling: export and import own their sessions) and applies the settings.</summary>
    public static Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken cancellationToken) =>
        OpenAsync(new NpgsqlConnection(OwnSessionSettings(connectionString)), connectionString, cancellationToken);

    /// <summary>
    /// <paramref name="connectionString"/> for a session PgSeed owns: no pooling, no enlisting, and no command timeout
    /// unless the user wrote one (Npgsql's default 30 s would abort a large COPY, closure round or upsert half-way;
    /// bulk work has no natural time limit, cancellation stops it).
    /// </summary>
    internal static string OwnSessionSettings(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Enlist = false };
        if (!MentionsCommandTimeout(connectionString)) builder.CommandTimeout = 0;
        return builder.ConnectionString;
    }

    /// <summary>Opens <paramref name="connection"/> and applies the settings; <paramref name="describe"/> names it in errors.</summary>
    internal static async Task<NpgsqlConnection> OpenAsync(NpgsqlConnection connection, string describe, CancellationToken cancellationToken)
    {
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new PgSeedException(ErrorCode.ConnectionFailed,
                $"Could not connect to {ConnectionResolver.Describe(describe)}: {ConnectionResolver.Redact(e.Message)}", e);
        }
        catch (OperationCanceledException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        try
        {
            var cmd = new NpgsqlCommand(DeterministicSettings, connection);
            await using (cmd.ConfigureAwait(false))
                await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Cancelled (a worker opening while the run fails) or refused: the unpooled session must not outlive it.
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return connection;
    }

    private static bool MentionsCommandTimeout(string connectionString)
    {
        var raw = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        return raw.ContainsKey("Command Timeout") || raw.ContainsKey("CommandTimeout");
    }

    public static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        var cmd = new NpgsqlCommand(sql, connection);
        await using var cmdScope = cmd.ConfigureAwait(false);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Exports the open transaction's snapshot for other sessions (<c>SET TRANSACTION SNAPSHOT</c>, <c>pg_dump --snapshot</c>).</summary>
    public static async Task<string> ExportSnapshotAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var cmd = new NpgsqlCommand("SELECT pg_export_snapshot()", connection);
        await using var cmdScope = cmd.ConfigureAwait(false);
        return (string)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
