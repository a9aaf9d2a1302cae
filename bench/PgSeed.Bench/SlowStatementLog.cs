using Npgsql;
using PgSeed.Testing.Servers;

namespace PgSeed.Bench;

/// <summary>
/// With <c>--log-slow MS</c>: the throwaway server logs every statement slower than MS
/// (<c>log_min_duration_statement</c>), and the benchmark copies those lines out of the server log at the
/// end, so the slow steps of an export or import can be read without a profiler.
/// </summary>
internal static class SlowStatementLog
{
    public static async Task EnableAsync(LocalPostgresServer server, BenchOptions options, CancellationToken cancellationToken)
    {
        if (options.LogSlowMilliseconds is not { } ms) return;
        await using var connection = new NpgsqlConnection(server.AdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await BenchSchema.ExecuteAsync(connection, $"ALTER SYSTEM SET log_min_duration_statement = {ms}", cancellationToken);
        await BenchSchema.ExecuteAsync(connection, "SELECT pg_reload_conf()", cancellationToken);
    }

    /// <summary>Copies the duration lines logged so far (one statement may span several lines) to <paramref name="path"/>.</summary>
    public static void Collect(LocalPostgresServer server, BenchOptions options, string path)
    {
        if (options.LogSlowMilliseconds is null) return;
        var log = Path.Combine(Path.GetDirectoryName(server.DataDirectory)!, "server.log");
        if (!File.Exists(log)) return;
        using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        var inDuration = false;
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            // An entry starts with the log_line_prefix timestamp; other lines continue a multi-line statement.
            if (line.Length > 4 && char.IsAsciiDigit(line[0]) && line[4] == '-') inDuration = line.Contains(" duration: ", StringComparison.Ordinal);
            if (inDuration) lines.Add(line);
        }
        File.WriteAllLines(path, lines);
        Console.WriteLine($"Statements slower than {options.LogSlowMilliseconds} ms: {path}");
    }
}
