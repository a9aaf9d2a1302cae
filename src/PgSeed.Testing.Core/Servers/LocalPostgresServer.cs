using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Testing.Servers;

/// <summary>
/// A throwaway PostgreSQL cluster started from the machine's binaries: a temporary data directory
/// (copied from a cached, already initialised one instead of running initdb each time), a free
/// port on 127.0.0.1, durability off (fsync, synchronous_commit, full_page_writes). Dispose stops it
/// and deletes everything. Clusters left behind by a killed run are reaped at the next start: each
/// cluster directory records its owner process, and a directory whose owner is gone is stopped and removed.
/// </summary>
public sealed class LocalPostgresServer : IPostgresServer
{
    private const string OwnerFile = "owner.pid";
    private readonly string _binDir;
    private readonly string _clusterDir;
    private int _disposed;

    private LocalPostgresServer(string binDir, string clusterDir, int port, int majorVersion)
    {
        _binDir = binDir;
        _clusterDir = clusterDir;
        Port = port;
        MajorVersion = majorVersion;
        AdminConnectionString = BuildConnectionString("postgres");
    }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <inheritdoc />
    public int MajorVersion { get; }

    /// <inheritdoc />
    public string AdminConnectionString { get; }

    /// <summary>
    /// When set, the process-exit handler leaves the cluster running (e.g. so a failed test's database can be
    /// inspected, see PGSEED_KEEP_FAILED). Its owner is then gone, so the next test run's start reaps it.
    /// An explicit <see cref="DisposeAsync"/> still stops it.
    /// </summary>
    public bool KeepOnExit { get; set; }

    /// <summary>The cluster's data directory.</summary>
    public string DataDirectory => Path.Combine(_clusterDir, "data");

    /// <summary>Where the cluster directories live: one per running server.</summary>
    internal static string ServersRoot => Path.Combine(ScratchRoot, "pgseed-servers" + UserSuffix);

    // Per OS user: another user's folder in a shared /dev/shm or /tmp is not ours to write or reap.
    private static string UserSuffix => ProcessRunner.IsRoot ? "" : "-" + Environment.UserName;

    /// <summary>Overrides where clusters and the initdb cache live (default: see <see cref="ScratchRoot"/>).</summary>
    public const string ScratchDirectoryVariable = "PGSEED_SCRATCH_DIR";

    /// <summary>
    /// Where throwaway clusters live: <c>PGSEED_SCRATCH_DIR</c>, else the RAM-backed <c>/dev/shm</c> when it has
    /// room (copying the cached data directory and every CREATE DATABASE run several times faster there than on
    /// a disk file system, and nothing of a throwaway cluster needs to survive a reboot), else the temp folder.
    /// </summary>
    internal static string ScratchRoot { get; } = ChooseScratchRoot();

    private static string ChooseScratchRoot()
    {
        if (Environment.GetEnvironmentVariable(ScratchDirectoryVariable) is { Length: > 0 } configured) return configured;
        const string shm = "/dev/shm";
        try
        {
            if (OperatingSystem.IsLinux() && Directory.Exists(shm) && new DriveInfo(shm).AvailableFreeSpace > 2L * 1024 * 1024 * 1024)
            {
                var probe = Path.Combine(shm, $".pgseed-probe-{Environment.ProcessId}");
                File.WriteAllText(probe, "");
                File.Delete(probe);
                return shm;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // Not usable: fall back to the temp folder.
        }
        return Path.GetTempPath();
    }

    private static string CacheRoot => Path.Combine(ScratchRoot, "pgseed-initdb-cache" + UserSuffix);

    private string BuildConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        IncludeErrorDetail = true,
        MaxPoolSize = 50,
    }.ConnectionString;

    /// <summary>Starts a new cluster. Takes ~0.5 s with a warm initdb cache.</summary>
    public static async Task<LocalPostgresServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var binDir = PostgresBinaries.FindBinDirectory();
        Directory.CreateDirectory(ServersRoot);
        ReapAbandoned();

        var template = await EnsureInitialisedTemplateAsync(binDir, cancellationToken).ConfigureAwait(false);
        var major = int.Parse(File.ReadAllText(Path.Combine(template, "PG_VERSION")).Trim(), CultureInfo.InvariantCulture);

        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var clusterDir = Path.Combine(ServersRoot, $"{DateTime.UtcNow:yyyyMMddHHmmss}-{Environment.ProcessId}-{RandomNumberGenerator.GetHexString(6).ToLowerInvariant()}");
            Directory.CreateDirectory(clusterDir);
            await File.WriteAllTextAsync(Path.Combine(clusterDir, OwnerFile), OwnerStamp(), cancellationToken).ConfigureAwait(false);
            try
            {
                await CopyDirectoryAsync(template, Path.Combine(clusterDir, "data"), cancellationToken).ConfigureAwait(false);
                var port = FreePort();
                await File.AppendAllTextAsync(Path.Combine(clusterDir, "data", "postgresql.conf"), Settings(port, clusterDir), cancellationToken).ConfigureAwait(false);
                await ProcessRunner.ChownToServerUserAsync(clusterDir).ConfigureAwait(false);
                var (code, output) = await ProcessRunner.RunAsync(Path.Combine(binDir, PostgresBinaries.Exe("pg_ctl")),
                    new[] { "-D", Path.Combine(clusterDir, "data"), "-l", Path.Combine(clusterDir, "server.log"), "-w", "-t", "60", "start" },
                    asServerUser: true, TimeSpan.FromSeconds(90), cancellationToken).ConfigureAwait(false);
                if (code != 0)
                    throw new PgSeedException(ErrorCode.ServerStartFailed,
                        $"pg_ctl start failed (exit {code}):\n{output}\n{Tail(Path.Combine(clusterDir, "server.log"))}");
                var server = new LocalPostgresServer(binDir, clusterDir, port, major);
                AppDomain.CurrentDomain.ProcessExit += (_, _) => { if (!server.KeepOnExit) server.StopAndDelete(); };
                return server;
            }
            catch (Exception e)
            {
                // Failed or cancelled (Ctrl+C during `pgseed upgrade`): no server object owns the cluster, so stop and
                // delete it here rather than leave it for a later run to reap.
                await StopClusterAsync(binDir, clusterDir).ConfigureAwait(false);
                TryDelete(clusterDir);
                if (e is OperationCanceledException) throw;
                last = e;
            }
        }
        throw last as PgSeedException ?? new PgSeedException(ErrorCode.ServerStartFailed, $"Could not start a local PostgreSQL: {last?.Message}", last);
    }

    /// <summary>What the fixture log shows.</summary>
    public override string ToString() => $"throwaway local cluster on 127.0.0.1:{Port} (PostgreSQL {MajorVersion})";

    /// <summary>Stops the cluster and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        // Only PgSeed's own admin pool: the user's pools are theirs to manage.
        NpgsqlConnection.ClearPool(new NpgsqlConnection(AdminConnectionString));
        await StopClusterAsync(_binDir, _clusterDir).ConfigureAwait(false);
        TryDelete(_clusterDir);
    }

    private void StopAndDelete()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        StopClusterAsync(_binDir, _clusterDir).GetAwaiter().GetResult();
        TryDelete(_clusterDir);
    }

    private static string Settings(int port, string clusterDir) => string.Join('\n',
        "",
        "# PgSeed throwaway test cluster",
        $"port = {port}",
        "listen_addresses = '127.0.0.1'",
        $"unix_socket_directories = '{clusterDir.Replace("'", "''")}'",
        "fsync = off",
        "synchronous_commit = off",
        "full_page_writes = off",
        "max_connections = 300",
        "shared_buffers = 128MB",
        "max_wal_size = 1GB",
        "checkpoint_timeout = 30min",
        "max_locks_per_transaction = 256",
        "log_min_messages = warning",
        "log_min_error_statement = panic",
        "") ;

    /// <summary>
    /// initdb once per PostgreSQL installation and cache the result; each server copies it (~0.4 s
    /// instead of ~0.7 s). Built in a private directory and renamed into place so concurrent test
    /// processes never see a half-written cache.
    /// </summary>
    private static async Task<string> EnsureInitialisedTemplateAsync(string binDir, CancellationToken cancellationToken)
    {
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(binDir + "|" + File.GetLastWriteTimeUtc(Path.Combine(binDir, PostgresBinaries.Exe("postgres"))).Ticks)))[..16].ToLowerInvariant();
        var cacheDir = Path.Combine(CacheRoot, key);
        var data = Path.Combine(cacheDir, "data");
        if (File.Exists(Path.Combine(data, "PG_VERSION")) && File.Exists(Path.Combine(cacheDir, "complete"))) return data;

        Directory.CreateDirectory(CacheRoot);
        var work = Path.Combine(CacheRoot, $"{key}.tmp-{Environment.ProcessId}-{RandomNumberGenerator.GetHexString(6)}");
        Directory.CreateDirectory(work);
        try
        {
            await ProcessRunner.ChownToServerUserAsync(work).ConfigureAwait(false);
            var (code, output) = await ProcessRunner.RunAsync(Path.Combine(binDir, PostgresBinaries.Exe("initdb")),
                new[] { "-D", Path.Combine(work, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync" },
                asServerUser: true, TimeSpan.FromSeconds(120), cancellationToken).ConfigureAwait(false);
            if (code != 0) throw new PgSeedException(ErrorCode.ServerStartFailed, $"initdb failed (exit {code}):\n{output}");
            await File.WriteAllTextAsync(Path.Combine(work, "complete"), "", cancellationToken).ConfigureAwait(false);
            try
            {
                Directory.Move(work, cacheDir);
            }
            catch (IOException) when (File.Exists(Path.Combine(cacheDir, "complete")))
            {
                // Another process won the race; use its cache.
                TryDelete(work);
            }
            catch (IOException)
            {
                // A broken cache from an interrupted run: replace it.
                TryDelete(cacheDir);
                Directory.Move(work, cacheDir);
            }
        }
        catch
        {
            TryDelete(work);
            throw;
        }
        return data;
    }

    /// <summary>Stops and removes clusters whose owning process no longer exists.</summary>
    internal static void ReapAbandoned()
    {
        if (!Directory.Exists(ServersRoot)) return;
        string binDir;
        try { binDir = PostgresBinaries.FindBinDirectory(); }
        catch (PgSeedException) { return; }
        foreach (var dir in Directory.GetDirectories(ServersRoot))
        {
            var ownerFile = Path.Combine(dir, OwnerFile);
            string? stamp = null;
            try { stamp = File.Exists(ownerFile) ? File.ReadAllText(ownerFile) : null; } catch (IOException) { }
            if (stamp is null)
            {
                // Being created right now, or broken long ago: only reap old ones.
                if (Directory.GetCreationTimeUtc(dir) > DateTime.UtcNow.AddMinutes(-10)) continue;
            }
            else if (OwnerAlive(stamp)) continue;
            StopClusterAsync(binDir, dir).GetAwaiter().GetResult();
            TryDelete(dir);
        }
    }

    /// <summary>pid, the start time earlier versions read (line 2), then the clock-proof stamp this version reads (line 3).</summary>
    private static string OwnerStamp() => $"{Environment.ProcessId}\n{ProcessStamp.LegacyCurrent}\n{ProcessStamp.Current}\n";

    private static bool OwnerAlive(string stamp)
    {
        var lines = stamp.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines.Length >= 2 && int.TryParse(lines[0], CultureInfo.InvariantCulture, out var pid) && ProcessStamp.IsAlive(pid, lines[^1]);
    }

    private static async Task StopClusterAsync(string binDir, string clusterDir)
    {
        var data = Path.Combine(clusterDir, "data");
        var pidFile = Path.Combine(data, "postmaster.pid");
        if (!File.Exists(pidFile)) return;
        try
        {
            var (code, _) = await ProcessRunner.RunAsync(Path.Combine(binDir, PostgresBinaries.Exe("pg_ctl")),
                new[] { "-D", data, "-m", "immediate", "-w", "-t", "30", "stop" }, asServerUser: true, TimeSpan.FromSeconds(40)).ConfigureAwait(false);
            if (code == 0) return;
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or System.ComponentModel.Win32Exception) { }
        // pg_ctl could not stop it (e.g. a half-deleted directory): kill the postmaster directly.
        try
        {
            var first = File.ReadLines(pidFile).FirstOrDefault();
            if (int.TryParse(first, out var pid))
            {
                using var p = Process.GetProcessById(pid);
                p.Kill(entireProcessTree: true);
                p.WaitForExit(5000);
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or System.ComponentModel.Win32Exception) { }
    }

    private static async Task CopyDirectoryAsync(string source, string target, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsWindows())
        {
            var (code, output) = await ProcessRunner.RunAsync("cp", new[] { "-a", source, target }, asServerUser: false, TimeSpan.FromSeconds(120), cancellationToken).ConfigureAwait(false);
            if (code != 0) throw new IOException($"Copying the cached data directory failed: {output}");
            return;
        }
        foreach (var dir in Directory.GetDirectories(source, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, dir)));
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(target, Path.GetRelativePath(source, file)));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string Tail(string path)
    {
        try { return File.Exists(path) ? string.Join('\n', File.ReadLines(path).TakeLast(20)) : ""; }
        catch (IOException) { return ""; }
    }

    private static void TryDelete(string dir)
    {
        for (var i = 0; i < 3; i++)
        {
            try
            {
                if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(100);
            }
        }
    }
}
