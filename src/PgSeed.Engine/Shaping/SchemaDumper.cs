using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using PgSeed.Engine.Catalog;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Shaping;

/// <summary>
/// Writes <c>schema.sql</c> with <c>pg_dump --schema-only --no-owner --no-privileges</c> for exactly the exported
/// tables (with their partitions, and the tables their FKs reference when those are not exported), reading the
/// export's own snapshot (<c>--snapshot</c>). The output is made deterministic: version comments and psql-only
/// lines (<c>\restrict</c> keys, which are random per run) are removed, and the non-public schemas the tables live
/// in and the extensions they use are created first (pg_dump -t dumps neither).
/// The password reaches pg_dump through PGPASSWORD in its environment, never its command line.
/// </summary>
internal static class SchemaDumper
{
    public const string FileName = "schema.sql";
    public const string PgDumpEnvironmentVariable = "PGSEED_PG_DUMP";

    /// <summary>Tests point one export at another pg_dump without touching the process environment.</summary>
    internal static readonly AsyncLocal<string?> PgDumpOverride = new();

    private static readonly Regex VersionLine = new(@"^pg_dump \(PostgreSQL\) (\d+)", RegexOptions.Multiline);

    /// <summary>
    /// The tables schema.sql defines: the exported ones and, transitively, the tables their FKs reference (an FK into a
    /// table the seed leaves out — an excluded table whose references are exported as NULL — needs that table to exist).
    /// </summary>
    public static IReadOnlyList<TableInfo> TablesToDump(DatabaseCatalog catalog, IEnumerable<TableInfo> exported)
    {
        var result = exported.ToList();
        var seen = result.Select(t => t.Name).ToHashSet();
        for (var i = 0; i < result.Count; i++)
            foreach (var fk in result[i].ForeignKeys.Where(f => !f.Virtual).OrderBy(f => f.Parent))
                if (seen.Add(fk.Parent) && catalog.TryGet(fk.Parent, out var parent)) result.Add(parent);
        return result;
    }

    /// <summary>Returns false (after a PGSEED096 warning) when no suitable pg_dump exists or it fails; the export goes on.</summary>
    public static async Task<bool> TryWriteAsync(NpgsqlConnection connection, string connectionString, int serverMajor, IReadOnlyList<TableInfo> exported,
        string path, ISeedLog log, CancellationToken cancellationToken) =>
        await await StartAsync(connection, connectionString, serverMajor, exported, path, log, cancellationToken);

    /// <summary>
    /// Does the part that needs the export's connection (dependencies, snapshot) and returns the pg_dump run as a
    /// task, so it can go on while the same connection computes the subset and COPYs the rows: pg_dump reads
    /// through its own session, in the exported snapshot, which stays valid while the export's transaction is open.
    /// </summary>
    public static async Task<Task<bool>> StartAsync(NpgsqlConnection connection, string connectionString, int serverMajor, IReadOnlyList<TableInfo> exported,
        string path, ISeedLog log, CancellationToken cancellationToken, string? snapshot = null)
    {
        // Partitions are tables of their own for pg_dump: without them the partitioned table accepts no row.
        var tables = exported.Select(t => t.Name).Concat(exported.SelectMany(t => t.Partitions.Select(p => p.Name))).ToList();
        var pgDump = PgDumpOverride.Value
                     ?? (Environment.GetEnvironmentVariable(PgDumpEnvironmentVariable) is { Length: > 0 } configured ? configured : "pg_dump");
        // Probing pg_dump's version starts a process: it runs in the background with the dump itself.
        var versionProbe = RunAsync(pgDump, ["--version"], null, cancellationToken);

        // pg_dump reads this transaction's snapshot, so schema.sql matches the rows exactly.
        var dependencies = await SchemaDependencies.ReadAsync(connection,
            exported.Select(t => t.Oid).Concat(exported.SelectMany(t => t.Partitions.Select(p => p.Oid))).ToList(), cancellationToken);
        snapshot ??= await Sessions.ExportSnapshotAsync(connection, cancellationToken);

        var cs = new NpgsqlConnectionStringBuilder(connectionString);
        var conninfo = string.Join(" ", new[]
        {
            ("host", cs.Host), ("port", cs.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("user", cs.Username),
            ("dbname", cs.Database), ("sslmode", LibpqSslMode(cs)),
        }.Where(p => !string.IsNullOrEmpty(p.Item2)).Select(p => $"{p.Item1}='{p.Item2!.Replace("\\", "\\\\").Replace("'", "\\'")}'"));
        var args = new List<string> { "--schema-only", "--no-owner", "--no-privileges", $"--snapshot={snapshot}", "--dbname", conninfo };
        foreach (var t in tables.OrderBy(t => t)) { args.Add("--table"); args.Add(t.Sql); }
        foreach (var sequence in dependencies.Sequences) { args.Add("--table"); args.Add(sequence); }
        var env = new Dictionary<string, string?> { ["PGCONNECT_TIMEOUT"] = "30" };
        if (!string.IsNullOrEmpty(cs.Password)) env["PGPASSWORD"] = cs.Password;

        return DumpAsync();

        async Task<bool> DumpAsync()
        {
            var version = await versionProbe;
            var match = version is { ExitCode: 0 } ? VersionLine.Match(version.Value.Stdout) : Match.Empty;
            if (!match.Success)
            {
                log.Warning(ErrorCode.SchemaNotWritten, $"pg_dump was not found (PATH or {PgDumpEnvironmentVariable}); the seed has no schema.sql.");
                return false;
            }
            var major = int.Parse(match.Groups[1].Value);
            if (major < serverMajor)
            {
                log.Warning(ErrorCode.SchemaNotWritten,
                    $"pg_dump {major} is older than the server ({serverMajor}) and cannot dump it; the seed has no schema.sql. Install pg_dump {serverMajor} or newer (or set {PgDumpEnvironmentVariable}).");
                return false;
            }
            var result = await RunAsync(pgDump, args, env, cancellationToken);
            if (result is not { ExitCode: 0 })
            {
                log.Warning(ErrorCode.SchemaNotWritten,
                    $"pg_dump failed ({ConnectionResolver.Redact(result?.Stderr.Trim() ?? "could not start")}); the seed has no schema.sql.");
                return false;
            }
            var schemas = tables.Select(t => t.Schema).Concat(dependencies.Schemas).ToList();
            await File.WriteAllTextAsync(path, Normalize(result.Value.Stdout, schemas, dependencies.Ddl, dependencies.Extensions), new UTF8Encoding(false), cancellationToken);
            log.Detail($"schema.sql written by pg_dump {major}");
            return true;
        }
    }

    private static string? LibpqSslMode(NpgsqlConnectionStringBuilder cs) => cs.SslMode switch
    {
        Npgsql.SslMode.Disable => "disable",
        Npgsql.SslMode.Allow => "allow",
        Npgsql.SslMode.Require => "require",
        Npgsql.SslMode.VerifyCA => "verify-ca",
        Npgsql.SslMode.VerifyFull => "verify-full",
        _ => "prefer",
    };

    /// <summary>
    /// Drops run-dependent lines and collapses blank runs; adds CREATE SCHEMA for non-public schemas and CREATE
    /// EXTENSION for the extensions the tables use (extension name and schema, as in <see cref="SchemaDependencies.Result.Extensions"/>).
    /// </summary>
    internal static string Normalize(string dump, IReadOnlyList<string> schemas, string dependencyDdl, IReadOnlyList<(string Name, string Schema)>? extensions = null)
    {
        var sb = new StringBuilder();
        sb.Append("-- Schema of the tables in this seed, written by PgSeed with pg_dump --schema-only.\n");
        foreach (var schema in schemas.Where(s => s != "public").Distinct().OrderBy(s => s, StringComparer.Ordinal))
            sb.Append($"CREATE SCHEMA IF NOT EXISTS {Identifier.Quote(schema)};\n");
        foreach (var (name, schema) in extensions ?? [])
            sb.Append($"CREATE EXTENSION IF NOT EXISTS {Identifier.Quote(name)} WITH SCHEMA {Identifier.Quote(schema)};\n");
        if (dependencyDdl.Length > 0) sb.Append("\n-- Types and functions the tables use (pg_dump -t leaves them out).\n").Append(dependencyDdl);
        sb.Append('\n');
        var blank = true; // no blank line right after the preamble
        foreach (var raw in dump.Replace("\r\n", "\n").Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.StartsWith("-- Dumped from", StringComparison.Ordinal) || line.StartsWith("-- Dumped by", StringComparison.Ordinal) ||
                line.StartsWith("\\", StringComparison.Ordinal) || line is "--" or "-- PostgreSQL database dump" or "-- PostgreSQL database dump complete")
                continue;
            if (line.Length == 0)
            {
                if (blank) continue;
                blank = true;
            }
            else blank = false;
            sb.Append(line).Append('\n');
        }
        return sb.ToString().TrimEnd('\n') + "\n";
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)?> RunAsync(string file, IEnumerable<string> args,
        IReadOnlyDictionary<string, string?>? env, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        Process process;
        try { process = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception) { return null; }
        using (process)
        {
            using var kill = cancellationToken.Register(() => { try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } });
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return (process.ExitCode, await stdout, await stderr);
        }
    }
}
