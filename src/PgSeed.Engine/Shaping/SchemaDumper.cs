using System.Diagnostics;
using System.Globalization;
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

    private const string PgDumpHeader = "-- Schema of the tables in this seed, written by PgSeed with pg_dump --schema-only.";
    private const string FromCatalogHeader = "-- Schema of the tables in this seed, written by PgSeed from the server's catalog (not by pg_dump).";

    /// <summary>
    /// Tests make one pg_dump the only one on the machine for one export, without touching the process environment
    /// (AsyncLocal: tests running in parallel keep theirs).
    /// </summary>
    internal static readonly AsyncLocal<string?> PgDumpOverride = new();

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

    /// <summary>Returns false (after a PGSEED096 warning) when schema.sql could not be written; the export goes on.</summary>
    public static async Task<bool> TryWriteAsync(NpgsqlConnection connection, string connectionString, int serverMajor, IReadOnlyList<TableInfo> exported,
        string path, ISeedLog log, CancellationToken cancellationToken, string? pgDump = null) =>
        await (await StartAsync(connection, connectionString, pgDump, serverMajor, exported, path, log, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);

    /// <summary>As <see cref="StartAsync(NpgsqlConnection, string, string?, int, IReadOnlyList{TableInfo}, string, ISeedLog, CancellationToken, string?, bool)"/>, for a request's sessions.</summary>
    internal static Task<Task<bool>> StartAsync(NpgsqlConnection connection, SessionSource source, string? pgDump, int serverMajor, IReadOnlyList<TableInfo> exported,
        string path, ISeedLog log, CancellationToken cancellationToken, string? snapshot = null) =>
        StartAsync(connection, source.ConnectionString, pgDump, serverMajor, exported, path, log, cancellationToken, snapshot, source.IsDataSource);

    /// <summary>
    /// Does the part that needs the export's connection (dependencies, snapshot) and returns the pg_dump run as a
    /// task, so it can go on while the same connection computes the subset and COPYs the rows: pg_dump reads
    /// through its own session, in the exported snapshot, which stays valid while the export's transaction is open.
    /// When no pg_dump can dump the server (none found, or all older than it), schema.sql is written here, from the
    /// catalog, in this transaction (<see cref="CatalogSchemaWriter"/>), after one PGSEED029 warning naming the fix.
    /// </summary>
    /// <remarks><c>pgDump</c>: the pg_dump to prefer (<see cref="Export.ExportRequest.PgDump"/>), a path or <c>none</c> for the catalog.
    /// <c>fromDataSource</c>: the connection string is a data source's, which may hide the password pg_dump needs.</remarks>
    public static async Task<Task<bool>> StartAsync(NpgsqlConnection connection, string connectionString, string? pgDump, int serverMajor, IReadOnlyList<TableInfo> exported,
        string path, ISeedLog log, CancellationToken cancellationToken, string? snapshot = null, bool fromDataSource = false)
    {
        // Partitions are tables of their own for pg_dump: without them the partitioned table accepts no row.
        var tables = exported.Select(t => t.Name).Concat(exported.SelectMany(t => t.Partitions.Select(p => p.Name))).ToList();
        var oids = exported.Select(t => t.Oid).Concat(exported.SelectMany(t => t.Partitions.Select(p => p.Oid))).ToList();
        var configured = string.IsNullOrWhiteSpace(pgDump) ? null : pgDump;
        var catalogOnly = string.Equals((PgDumpOverride.Value ?? configured)?.Trim(), PgDumpLocator.NoneValue, StringComparison.OrdinalIgnoreCase);
        // Probing pg_dump versions starts processes (once per file and process): they run while the dependencies are read.
        var locating = catalogOnly
            ? null
            : PgDumpOverride.Value is { } only
                ? PgDumpLocator.FindAsync(serverMajor, null, [only], cancellationToken)
                : PgDumpLocator.FindAsync(serverMajor, configured, null, cancellationToken);

        // pg_dump reads this transaction's snapshot, so schema.sql matches the rows exactly.
        var dependencies = await SchemaDependencies.ReadAsync(connection, oids, serverMajor, cancellationToken).ConfigureAwait(false);
        var schemas = tables.Select(t => t.Schema).Concat(dependencies.Schemas).ToList();
        var found = locating is null ? null : await locating.ConfigureAwait(false);
        // A PGSEED_PG_DUMP that cannot be used is said once: with the pg_dump used instead, or in the catalog's warning.
        var configuredNote = found is { Configured: not null } && found.Chosen != found.ConfiguredCandidate
            ? found.ConfiguredCandidate is { } tooOld
                ? $"{OptionNames.ExportPgDump} names pg_dump {tooOld.Major} ({tooOld.Path}), older than the server (PostgreSQL {serverMajor})"
                : $"{OptionNames.ExportPgDump} = {found.Configured} is not a pg_dump that runs here (no such file, or not pg_dump's --version)"
            : null;
        if (found?.Chosen is null)
            return Task.FromResult(await WriteFromCatalogAsync(connection, found, configuredNote, serverMajor, oids, dependencies, schemas, path, log, cancellationToken).ConfigureAwait(false));
        if (configuredNote is not null)
            log.Warning(ErrorCode.SchemaFromCatalog, $"{configuredNote}; schema.sql is written by pg_dump {found.Chosen.Major} ({found.Chosen.Path}) instead.");

        var chosen = found.Chosen;
        snapshot ??= await Sessions.ExportSnapshotAsync(connection, cancellationToken).ConfigureAwait(false);
        var cs = new NpgsqlConnectionStringBuilder(connectionString);
        var conninfo = string.Join(" ", new[]
        {
            ("host", cs.Host), ("port", cs.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("user", cs.Username),
            ("dbname", cs.Database), ("sslmode", LibpqSslMode(cs)),
        }.Where(p => !string.IsNullOrEmpty(p.Item2)).Select(p => $"{p.Item1}='{p.Item2!.Replace("\\", "\\\\").Replace("'", "\\'")}'"));
        // --no-password: never a prompt on the terminal in the middle of an export; a missing password is pg_dump's error.
        var args = new List<string> { "--schema-only", "--no-owner", "--no-privileges", "--no-password", $"--snapshot={snapshot}", "--dbname", conninfo };
        args.AddRange(TableArguments(chosen.Major, exported));
        foreach (var sequence in dependencies.Sequences) { args.Add("--table"); args.Add(sequence); }
        var env = new Dictionary<string, string?> { ["PGCONNECT_TIMEOUT"] = "30" };
        if (!string.IsNullOrEmpty(cs.Password)) env["PGPASSWORD"] = cs.Password;

        return DumpAsync();

        async Task<bool> DumpAsync()
        {
            var result = await RunAsync(chosen.Path, args, env, cancellationToken).ConfigureAwait(false);
            if (result is not { ExitCode: 0 })
            {
                log.Warning(ErrorCode.SchemaNotWritten,
                    $"pg_dump {chosen.Major} ({chosen.Path}) failed ({ConnectionResolver.Redact(result?.Stderr.Trim() ?? "could not start")}); the seed has no schema.sql." +
                    (fromDataSource && string.IsNullOrEmpty(cs.Password)
                        ? $" The export's data source does not reveal its password to pg_dump: set Persist Security Info=true on it, give pg_dump the password " +
                          $"through PGPASSWORD or ~/.pgpass, or set {OptionNames.ExportPgDumpNone} to write schema.sql from the catalog."
                        : ""));
                return false;
            }
            await File.WriteAllTextAsync(path, Normalize(result.Value.Stdout, schemas, dependencies.Ddl, dependencies.Extensions), new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
            log.Detail($"schema.sql written by pg_dump {chosen.Major} ({chosen.Path})");
            return true;
        }
    }

    /// <summary>
    /// schema.sql from the catalog, in the export's transaction (inside a savepoint: a failure here must not abort the
    /// export, it only costs the schema file). <paramref name="found"/> is null when PGSEED_PG_DUMP=none asked for this.
    /// </summary>
    private static async Task<bool> WriteFromCatalogAsync(NpgsqlConnection connection, PgDumpLocator.Result? found, string? configuredNote, int serverMajor,
        IReadOnlyList<uint> oids, SchemaDependencies.Result dependencies, IReadOnlyList<string> schemas, string path, ISeedLog log,
        CancellationToken cancellationToken)
    {
        if (found is not null)
        {
            var newest = found.Newest;
            var why = newest is null
                ? $"no pg_dump was found ({OptionNames.ExportPgDump}, pg_config --bindir, /usr/lib/postgresql/*/bin and the like, PATH)"
                : $"the newest pg_dump found is {newest.Major} ({newest.Path}), and pg_dump cannot dump a server newer than itself";
            log.Warning(ErrorCode.SchemaFromCatalog, (configuredNote is null ? "" : configuredNote + ". ") +
                $"The server is PostgreSQL {serverMajor} and {why}: schema.sql was written from the server's catalog instead (tables, keys, indexes, " +
                $"triggers and the types they use; not comments, policies or storage settings). For pg_dump's output, install pg_dump {serverMajor} or newer " +
                $"(Debian/Ubuntu: apt-get install postgresql-client-{serverMajor}, from apt.postgresql.org where the release lacks it) or set {OptionNames.ExportPgDump} to one " +
                $"({OptionNames.ExportPgDumpNone}: the catalog, without this warning).");
        }
        string body;
        await Sessions.ExecuteAsync(connection, "SAVEPOINT pgseed_schema_sql", cancellationToken).ConfigureAwait(false);
        try
        {
            body = await CatalogSchemaWriter.WriteAsync(connection, oids, dependencies.Sequences, cancellationToken).ConfigureAwait(false);
            await Sessions.ExecuteAsync(connection, "RELEASE SAVEPOINT pgseed_schema_sql", cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e)
        {
            await Sessions.ExecuteAsync(connection, "ROLLBACK TO SAVEPOINT pgseed_schema_sql", cancellationToken).ConfigureAwait(false);
            log.Warning(ErrorCode.SchemaNotWritten, $"schema.sql could not be read from the catalog ({e.MessageText}); the seed has no schema.sql.");
            return false;
        }
        await File.WriteAllTextAsync(path, Normalize(body, schemas, dependencies.Ddl, dependencies.Extensions, FromCatalogHeader), new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
        log.Detail("schema.sql written from the catalog");
        return true;
    }

    /// <summary>
    /// pg_dump's table selection: every table by name, partitions included (without them the partitioned table accepts
    /// no row). pg_dump 16+ takes a partitioned table with all its partitions in one <c>--table-and-children</c>, which
    /// keeps the command line short for tables with thousands of partitions.
    /// </summary>
    internal static IEnumerable<string> TableArguments(int pgDumpMajor, IReadOnlyList<TableInfo> exported)
    {
        var andChildren = pgDumpMajor >= 16;
        var names = exported.Select(t => (t.Name, Children: andChildren && t.Partitions.Count > 0))
            .Concat(andChildren ? [] : exported.SelectMany(t => t.Partitions.Select(p => (p.Name, Children: false))));
        foreach (var (name, children) in names.OrderBy(n => n.Name))
            yield return (children ? "--table-and-children=" : "--table=") + name.Sql;
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
    internal static string Normalize(string dump, IReadOnlyList<string> schemas, string dependencyDdl, IReadOnlyList<(string Name, string Schema)>? extensions = null,
        string header = PgDumpHeader)
    {
        var sb = new StringBuilder();
        sb.Append(header).Append('\n');
        foreach (var schema in schemas.Where(s => s != "public").Distinct().OrderBy(s => s, StringComparer.Ordinal))
            sb.Append(CultureInfo.InvariantCulture, $"CREATE SCHEMA IF NOT EXISTS {Identifier.Quote(schema)};\n");
        foreach (var (name, schema) in extensions ?? [])
            sb.Append(CultureInfo.InvariantCulture, $"CREATE EXTENSION IF NOT EXISTS {Identifier.Quote(name)} WITH SCHEMA {Identifier.Quote(schema)};\n");
        if (dependencyDdl.Length > 0) sb.Append("\n-- Types and functions the tables use (pg_dump -t leaves them out).\n").Append(dependencyDdl);
        sb.Append('\n');
        var blank = true; // no blank line right after the preamble
        foreach (var raw in dump.Replace("\r\n", "\n").Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.StartsWith("-- Dumped from", StringComparison.Ordinal) || line.StartsWith("-- Dumped by", StringComparison.Ordinal) ||
                line.StartsWith('\\') || line is "--" or "-- PostgreSQL database dump" or "-- PostgreSQL database dump complete")
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
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return (process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        }
    }
}
