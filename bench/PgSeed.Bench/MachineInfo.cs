using System.Runtime.InteropServices;
using Npgsql;

namespace PgSeed.Bench;

/// <summary>What the numbers were measured on; recorded with every result.</summary>
internal static class MachineInfo
{
    public static async Task<string> DescribeAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var pg = await CopyBaseline.ScalarAsync<string>(connection, "SELECT current_setting('server_version')", cancellationToken);
        var settings = await CopyBaseline.ScalarAsync<string>(connection,
            "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) FROM pg_settings " +
            "WHERE name IN ('fsync', 'shared_buffers', 'synchronous_commit', 'work_mem')", cancellationToken);
        return $"{Cpu()}, {Environment.ProcessorCount} cores visible, {MemoryGb()} RAM; {RuntimeInformation.OSDescription}; " +
               $".NET {Environment.Version}; PostgreSQL {pg} (throwaway local cluster on 127.0.0.1: {settings}); " +
               $"load average at start {LoadAverage()} (the machine is shared with other jobs)";
    }

    private static string Cpu()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { return RuntimeInformation.ProcessArchitecture.ToString(); }
        catch (UnauthorizedAccessException) { return RuntimeInformation.ProcessArchitecture.ToString(); }
    }

    private static string MemoryGb()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal", StringComparison.Ordinal));
            var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
            return $"{kb / 1024.0 / 1024.0:0} GB";
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or FormatException or UnauthorizedAccessException) { return "? GB"; }
    }

    /// <summary>How busy the machine was by its 1-minute load average against its cores, for a benchmark's heading.</summary>
    public static string Busyness(string loadAverage) =>
        double.TryParse(loadAverage.Split(' ')[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var load)
            ? load <= Environment.ProcessorCount
                ? $"a quiet machine: load {load:0.00} at start, {Environment.ProcessorCount} cores"
                : $"a busy machine: load {load:0.00} at start on {Environment.ProcessorCount} cores, so the figures are noisier than usual"
            : "load unknown";

    public static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return "n/a"; }
    }
}
