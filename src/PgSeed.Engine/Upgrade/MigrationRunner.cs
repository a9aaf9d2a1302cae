using System.Diagnostics;
using System.Text;
using Npgsql;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Upgrade;

/// <summary>
/// Applies migrations to the upgrade's throwaway database: the <c>.sql</c> files of a folder in order (file names
/// compared with their digit runs as numbers, so <c>V2__x.sql</c> runs before <c>V10__y.sql</c>); or a command run by the shell with <c>{connection}</c> replaced by the database's connection string
/// (quoted for the shell) and <c>PGHOST</c>/<c>PGPORT</c>/<c>PGDATABASE</c>/<c>PGUSER</c>/<c>PGPASSWORD</c> and
/// <c>PGSEED_CONNECTION</c> in its environment. The password is never logged.
/// </summary>
internal static class MigrationRunner
{
    public const string ConnectionPlaceholder = "{connection}";

    public static IReadOnlyList<string> Files(string directory)
    {
        if (!Directory.Exists(directory))
            throw new PgSeedException(ErrorCode.InvalidOption, $"Migrations folder '{directory}' does not exist.") { File = directory };
        var files = Directory.GetFiles(directory, "*.sql").OrderBy(Path.GetFileName, NaturalOrder.Instance).ToList();
        if (files.Count == 0)
            throw new PgSeedException(ErrorCode.InvalidOption, $"Migrations folder '{directory}' holds no .sql files.") { File = directory };
        return files;
    }

    public static async Task ApplyFilesAsync(string connectionString, IReadOnlyList<string> files, ISeedLog log, CancellationToken cancellationToken)
    {
        var connection = await Sessions.OpenAsync(connectionString, cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        foreach (var file in files)
        {
            log.Detail($"migration {Path.GetFileName(file)}");
            // A failing statement stops the upgrade; the throwaway database is dropped, so nothing half-applied survives.
            await SqlScript.ExecuteAsync(connection, file, "Migration", cancellationToken).ConfigureAwait(false);
        }
    }

    public static async Task RunCommandAsync(string command, string connectionString, ISeedLog log, CancellationToken cancellationToken)
    {
        var cs = new NpgsqlConnectionStringBuilder(connectionString);
        var secret = string.IsNullOrEmpty(cs.Password) ? null : cs.Password;
        string Hide(string text) => ConnectionResolver.Redact(secret is null ? text : text.Replace(secret, "***"));
        log.Detail($"migrate command: {Hide(command)}"); // the placeholder is not replaced in what is logged
        // The placeholder becomes a reference to the environment variable set below, expanded by the shell: the
        // connection string (its password) is then not in the shell's own command line for every user of the machine
        // to read in the process list, and needs no quoting for either shell.
        var psi = OperatingSystem.IsWindows()
            ? new ProcessStartInfo("cmd.exe") { ArgumentList = { "/d", "/s", "/c", command.Replace(ConnectionPlaceholder, $"\"%{ConnectionResolver.EnvironmentVariable}%\"") } }
            : new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", command.Replace(ConnectionPlaceholder, $"\"${ConnectionResolver.EnvironmentVariable}\"") } };
        psi.RedirectStandardOutput = psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        psi.Environment["PGHOST"] = cs.Host;
        psi.Environment["PGPORT"] = cs.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["PGDATABASE"] = cs.Database;
        psi.Environment["PGUSER"] = cs.Username;
        if (secret is not null) psi.Environment["PGPASSWORD"] = secret;
        else psi.Environment.Remove("PGPASSWORD");
        psi.Environment[ConnectionResolver.EnvironmentVariable] = connectionString;

        var output = new StringBuilder();
        using var process = new Process { StartInfo = psi };
        void Line(string? text)
        {
            if (text is null) return;
            var safe = Hide(text);
            lock (output) output.AppendLine(safe);
            log.Detail("  " + safe);
        }
        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        try { process.Start(); }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new PgSeedException(ErrorCode.MigrationFailed, $"The migrate command could not start: {e.Message}", e);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw;
        }
        process.WaitForExit(); // flush the output handlers
        if (process.ExitCode != 0)
        {
            string tail;
            lock (output) tail = string.Join('\n', output.ToString().TrimEnd().Split('\n').TakeLast(20));
            throw new PgSeedException(ErrorCode.MigrationFailed,
                $"The migrate command exited with code {process.ExitCode}. The seed folder was not changed." + (tail.Length > 0 ? $" Its output ended with:\n{tail}" : ""));
        }
    }

    /// <summary>File names with runs of digits compared as numbers (V2 before V10), then ordinally.</summary>
    private sealed class NaturalOrder : IComparer<string?>
    {
        public static readonly NaturalOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            if (x is null || y is null) return string.CompareOrdinal(x, y);
            int i = 0, j = 0;
            while (i < x.Length && j < y.Length)
            {
                if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
                {
                    var si = i; while (i < x.Length && char.IsAsciiDigit(x[i])) i++;
                    var sj = j; while (j < y.Length && char.IsAsciiDigit(y[j])) j++;
                    var a = x[si..i].TrimStart('0');
                    var b = y[sj..j].TrimStart('0');
                    var c = a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);
                    if (c != 0) return c;
                }
                else
                {
                    var c = x[i].CompareTo(y[j]);
                    if (c != 0) return c;
                    i++; j++;
                }
            }
            var rest = (x.Length - i).CompareTo(y.Length - j);
            return rest != 0 ? rest : string.CompareOrdinal(x, y);
        }
    }
}
