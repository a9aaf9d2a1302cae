using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace PgSeed.Testing.Servers;

/// <summary>Runs PostgreSQL's command-line tools; as root, as the <c>postgres</c> OS user (initdb refuses root).</summary>
internal static class ProcessRunner
{
    [DllImport("libc", SetLastError = false)]
    private static extern uint geteuid();

    public static bool IsRoot
    {
        get
        {
            if (OperatingSystem.IsWindows()) return false;
            try { return geteuid() == 0; }
            catch (DllNotFoundException) { return Environment.UserName == "root"; }
            catch (EntryPointNotFoundException) { return Environment.UserName == "root"; }
        }
    }

    /// <summary>The OS user that runs the server when we are root.</summary>
    public const string ServerUser = "postgres";

    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> args, bool asServerUser,
        TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var psi = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asServerUser && IsRoot)
        {
            psi.FileName = "runuser";
            psi.ArgumentList.Add("-u");
            psi.ArgumentList.Add(ServerUser);
            psi.ArgumentList.Add("--");
            psi.ArgumentList.Add(file);
        }
        else psi.FileName = file;
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["LC_ALL"] = "C";
        psi.Environment.Remove("PGDATA");

        using var process = new Process { StartInfo = psi };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            if (cancellationToken.IsCancellationRequested) throw;
            throw new TimeoutException($"{Path.GetFileName(file)} did not finish within {timeout.TotalSeconds:0} s.\n{output}");
        }
        process.WaitForExit(); // flush the async output handlers
        lock (output) return (process.ExitCode, output.ToString());
    }

    /// <summary>Gives the server user a directory tree we created as root.</summary>
    public static async Task ChownToServerUserAsync(string path)
    {
        if (!IsRoot) return;
        var (code, output) = await RunAsync("chown", new[] { "-R", $"{ServerUser}:", path }, asServerUser: false, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        if (code != 0) throw new InvalidOperationException($"chown {path} failed: {output}");
    }
}
