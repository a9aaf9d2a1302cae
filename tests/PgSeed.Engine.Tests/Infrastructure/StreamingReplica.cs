using System.Diagnostics;
using Npgsql;
using PgSeed.Testing.Servers;

namespace PgSeed.Engine.Tests.Infrastructure;

/// <summary>
/// A real hot standby for the tests: a dedicated throwaway primary (<see cref="LocalPostgresServer"/>: wal_level
/// replica and max_wal_senders are PostgreSQL's defaults, initdb's pg_hba.conf trusts local replication) and a
/// standby made from it with <c>pg_basebackup -R</c>, started on another port as the same OS user (postgres when the
/// tests run as root). Its folder sits among the throwaway clusters with an owner stamp, so a killed test run's standby
/// is reaped by the next run like any abandoned cluster. Needs the local server binaries: tests skip without them.
/// </summary>
public sealed class StreamingReplica : IAsyncLifetime
{
    private string _binDir = "";
    private string _dir = "";

    public LocalPostgresServer Primary { get; private set; } = null!;
    public int StandbyPort { get; private set; }

    /// <summary>Why there is no replica (no local binaries), or null.</summary>
    public string? Unavailable { get; private set; }

    public async ValueTask InitializeAsync()
    {
        string binDir;
        try { binDir = PostgresBinaries.FindBinDirectory(); }
        catch (PgSeed.Engine.Diagnostics.PgSeedException)
        {
            Unavailable = "no local PostgreSQL binaries to run a primary and a standby";
            return;
        }
        _binDir = binDir;
        Primary = await LocalPostgresServer.StartAsync();
        // Cut to a fixed length, which a process id under 1000 (pids wrap on a busy machine) made the name fall short of.
        var name = $"{DateTime.UtcNow:yyyyMMddHHmmss}-{Environment.ProcessId}-standby-{Guid.NewGuid():N}";
        _dir = Path.Combine(LocalPostgresServer.ServersRoot, name[..Math.Min(60, name.Length)]);
        Directory.CreateDirectory(_dir);
        using (var self = Process.GetCurrentProcess())
            await File.WriteAllTextAsync(Path.Combine(_dir, "owner.pid"), $"{self.Id}\n{self.StartTime.ToUniversalTime().Ticks}\n");
        await RunAsync("chown", ["-R", "postgres:", _dir], asServerUser: false, onlyWhenRoot: true);
        var data = Path.Combine(_dir, "data");
        await RunAsync(Path.Combine(_binDir, "pg_basebackup"),
            ["-h", "127.0.0.1", "-p", Primary.Port.ToString(), "-U", "postgres", "-D", data, "-R", "-X", "stream", "-c", "fast", "--no-sync"]);
        StandbyPort = FreePort();
        await File.AppendAllTextAsync(Path.Combine(data, "postgresql.auto.conf"),
            $"\nport = {StandbyPort}\nunix_socket_directories = '{_dir}'\nhot_standby = on\n");
        await RunAsync(Path.Combine(_binDir, "pg_ctl"), ["-D", data, "-l", Path.Combine(_dir, "server.log"), "-w", "-t", "60", "start"]);
    }

    /// <summary>A database's connection string on the standby.</summary>
    public string StandbyConnectionString(string database) => new NpgsqlConnectionStringBuilder(Primary.AdminConnectionString)
        { Port = StandbyPort, Database = database, Pooling = false }.ConnectionString;

    /// <summary>Waits until the standby has replayed everything the primary has written so far.</summary>
    public async Task CatchUpAsync(string database = "postgres")
    {
        string lsn;
        await using (var primary = new NpgsqlConnection(Primary.AdminConnectionString))
        {
            await primary.OpenAsync();
            // The insert position, not pg_current_wal_lsn() (the write position): the test clusters commit asynchronously
            // (synchronous_commit = off), so a commit's record can still be unwritten there, and a standby that replayed
            // up to the write position would not see the committed rows yet.
            await using var cmd = new NpgsqlCommand("SELECT pg_current_wal_insert_lsn()::text", primary);
            lsn = (string)(await cmd.ExecuteScalarAsync())!;
        }
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await using var standby = new NpgsqlConnection(StandbyConnectionString(database));
                await standby.OpenAsync();
                await using var cmd = new NpgsqlCommand($"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn", standby);
                if ((bool)(await cmd.ExecuteScalarAsync())!) return;
            }
            catch (PostgresException e) when (e.SqlState is "3D000" or "57P03") { /* database not replayed yet, or starting up */ }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the standby did not replay {lsn} within 60 s");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_dir.Length > 0)
        {
            try { await RunAsync(Path.Combine(_binDir, "pg_ctl"), ["-D", Path.Combine(_dir, "data"), "-m", "immediate", "-w", "stop"]); }
            catch (InvalidOperationException) { /* not running */ }
            try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
        }
        if (Primary is not null) await Primary.DisposeAsync();
    }

    private static async Task RunAsync(string file, IEnumerable<string> args, bool asServerUser = true, bool onlyWhenRoot = false)
    {
        var root = Environment.UserName == "root";
        if (onlyWhenRoot && !root) return;
        var psi = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asServerUser && root)
        {
            psi.FileName = "runuser";
            foreach (var a in new[] { "-u", "postgres", "--", file }) psi.ArgumentList.Add(a);
        }
        else psi.FileName = file;
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["LC_ALL"] = "C";
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{Path.GetFileName(file)} failed (exit {p.ExitCode}): {await output}{await error}");
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
