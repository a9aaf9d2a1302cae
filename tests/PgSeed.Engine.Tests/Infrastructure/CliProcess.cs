using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace PgSeed.Engine.Tests.Infrastructure;

/// <summary>
/// The real <c>pgseed</c> (the build output of src/PgSeed.Cli, run with <c>dotnet pgseed.dll</c>) as a child process,
/// so tests can interrupt it with signals as a terminal or a CI runner would.
/// </summary>
public sealed class CliProcess : IAsyncDisposable
{
    public const int SIGKILL = 9;
    public const int SIGINT = 2;
    public const int SIGTERM = 15;

    private readonly Process _process;
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _err = new();

    private CliProcess(Process process)
    {
        _process = process;
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output { get { lock (_out) return _out.ToString(); } }

    public string Error { get { lock (_err) return _err.ToString(); } }

    /// <summary>pgseed.dll of the same configuration as this test assembly.</summary>
    public static string DllPath
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = dir.Parent?.Name ?? "Release"; // bin/<Configuration>/<tfm>
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PgSeed.sln"))) dir = dir.Parent;
            if (dir is null) throw new InvalidOperationException("PgSeed.sln not found above " + AppContext.BaseDirectory);
            var path = Path.Combine(dir.FullName, "src", "PgSeed.Cli", "bin", configuration, "net8.0", "pgseed.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("Build src/PgSeed.Cli first", path);
        }
    }

    public static CliProcess Start(params string[] args) => Start(new Dictionary<string, string?>(), args);

    public static CliProcess Start(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(DllPath);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        var process = new Process { StartInfo = psi };
        var cli = new CliProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (cli._out) cli._out.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (cli._err) cli._err.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    public void Signal(int signal)
    {
        if (Kill(Pid, signal) != 0) throw new InvalidOperationException($"kill({Pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Waits for the exit; returns the exit code.</summary>
    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"pgseed did not exit within {timeout}.\nstdout:\n{Output}\nstderr:\n{Error}");
        }
        _process.WaitForExit(); // flushes the output readers
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
