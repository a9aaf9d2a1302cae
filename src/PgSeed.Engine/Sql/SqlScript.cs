using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Sql;

/// <summary>
/// Runs a SQL script such as the output of <c>pg_dump</c> (with or without <c>-s</c>), as
/// <c>psql -v ON_ERROR_STOP=1 -f</c> would: statements in order, stopping at the first error, which is reported
/// with the script's line. Of psql's backslash commands it runs what pg_dump writes: <c>\restrict</c> /
/// <c>\unrestrict</c> (PostgreSQL 13.22+, 14.19+, 15.14+, 16.10+, 17.6+; only meaningful to psql, skipped) and the
/// data of <c>COPY ... FROM stdin</c> up to <c>\.</c>. Any other backslash command is PGSEED077, naming its line.
/// The script is read line by line (COPY data is streamed), so its size does not matter.
/// </summary>
internal static class SqlScript
{
    /// <summary>Statements sent in one round trip (one implicit transaction) at most.</summary>
    private const int BatchSize = 200;

    private static readonly HashSet<string> SkippedMetaCommands = new(StringComparer.Ordinal) { "restrict", "unrestrict" };

    /// <summary>Runs the script file at <paramref name="path"/> on an open connection.</summary>
    /// <exception cref="PgSeedException">PGSEED072 (a statement failed), PGSEED077 (an unsupported psql command), PGSEED037 (unreadable file).</exception>
    public static async Task RunFileAsync(NpgsqlConnection connection, string path, CancellationToken cancellationToken = default)
    {
        StreamReader reader;
        try
        {
            reader = new StreamReader(path, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PgSeedException(ErrorCode.FileAccessFailed, $"Cannot read the SQL script {path}: {e.Message}", e) { File = path };
        }
        using (reader)
        {
            try
            {
                await RunAsync(connection, reader, path, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new PgSeedException(ErrorCode.FileAccessFailed, $"Cannot read the SQL script {path}: {e.Message}", e) { File = path };
            }
        }
    }

    /// <summary>Runs a script read from <paramref name="script"/>; <paramref name="name"/> names it in errors.</summary>
    public static async Task RunAsync(NpgsqlConnection connection, TextReader script, string name, CancellationToken cancellationToken = default)
    {
        var reader = new SqlScriptReader(script);
        var batch = new List<ScriptStatement>();
        while (reader.Next() is { } item)
        {
            switch (item)
            {
                case ScriptStatement { RunsAlone: true } alone:
                    await FlushAsync(connection, batch, name, cancellationToken).ConfigureAwait(false);
                    batch.Add(alone);
                    await FlushAsync(connection, batch, name, cancellationToken).ConfigureAwait(false);
                    break;
                case ScriptStatement statement:
                    batch.Add(statement);
                    if (batch.Count >= BatchSize) await FlushAsync(connection, batch, name, cancellationToken).ConfigureAwait(false);
                    break;
                case ScriptCopy copy:
                    await FlushAsync(connection, batch, name, cancellationToken).ConfigureAwait(false);
                    await CopyAsync(connection, copy, reader, name, cancellationToken).ConfigureAwait(false);
                    break;
                case ScriptMetaCommand meta when SkippedMetaCommands.Contains(meta.Name):
                    break;
                case ScriptMetaCommand meta:
                    throw new PgSeedException(ErrorCode.ScriptCommandUnsupported,
                        $"{name} line {meta.Line}: the psql command \\{meta.Name} cannot be run here. PgSeed runs SQL and what pg_dump writes " +
                        "(\\restrict, \\unrestrict, COPY ... FROM stdin data), not other psql commands: remove it, or apply the script with psql " +
                        "(e.g. from a schema callback).")
                        { File = name, Line = meta.Line };
            }
        }
        await FlushAsync(connection, batch, name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends the collected statements in one round trip; a failure names the statement's line.</summary>
    private static async Task FlushAsync(NpgsqlConnection connection, List<ScriptStatement> batch, string name, CancellationToken cancellationToken)
    {
        if (batch.Count == 0) return;
        var command = new NpgsqlBatch(connection);
        await using var commandScope = command.ConfigureAwait(false);
        foreach (var statement in batch) command.BatchCommands.Add(new NpgsqlBatchCommand(statement.Sql));
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e)
        {
            // The statements that completed have a statement type; the first without one failed.
            var failed = command.BatchCommands.Cast<NpgsqlBatchCommand>().ToList().FindIndex(c => c.StatementType == StatementType.Unknown);
            var statement = batch[Math.Max(0, failed)];
            throw Failed(e, name, statement.Line + LinesBefore(statement.Sql, e.Position));
        }
        finally
        {
            batch.Clear();
        }
    }

    private static async Task CopyAsync(NpgsqlConnection connection, ScriptCopy copy, SqlScriptReader reader, string name, CancellationToken cancellationToken)
    {
        var firstDataLine = 0;
        try
        {
            var writer = await connection.BeginTextImportAsync(copy.Sql, cancellationToken).ConfigureAwait(false);
            try
            {
                foreach (var (text, line) in reader.ReadCopyData())
                {
                    if (firstDataLine == 0) firstDataLine = line;
                    await writer.WriteAsync(text.AsMemory(), cancellationToken).ConfigureAwait(false);
                    await writer.WriteAsync('\n').ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is not PostgresException)
            {
                // Cancelled or the script became unreadable: abort the COPY rather than complete it with part of the data.
                try { if (writer is NpgsqlCopyTextWriter open) await open.CancelAsync().ConfigureAwait(false); } catch (Exception) { /* reported below */ }
                await writer.DisposeAsync().ConfigureAwait(false);
                throw;
            }
            // Completing the COPY is where the server reports bad rows.
            await writer.DisposeAsync().ConfigureAwait(false);
        }
        catch (PostgresException e)
        {
            // "COPY t, line 3": the third data line.
            var m = Regex.Match(e.Where ?? "", @"COPY [^,]+, line (\d+)");
            var line = m.Success && firstDataLine > 0
                ? firstDataLine + int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) - 1
                : copy.Line + LinesBefore(copy.Sql, e.Position);
            throw Failed(e, name, line);
        }
    }

    private static PgSeedException Failed(PostgresException e, string name, int line) =>
        new(ErrorCode.SchemaScriptFailed,
            $"{name} line {line}: {e.SqlState} {ConnectionResolver.Redact(e.MessageText)}" +
            (e.Detail is null ? "" : $" ({ConnectionResolver.Redact(e.Detail)})") + (e.Hint is null ? "" : $" Hint: {e.Hint}"), e)
        {
            File = name,
            Line = line,
            Table = e.TableName is null ? null : $"{e.SchemaName}.{e.TableName}",
            Column = e.ColumnName,
        };

    /// <summary>Line breaks before the 1-based character <paramref name="position"/> of a statement (0 when unknown).</summary>
    private static int LinesBefore(string sql, int position)
    {
        if (position <= 0) return 0;
        var lines = 0;
        for (var i = 0; i < Math.Min(position - 1, sql.Length); i++) if (sql[i] == '\n') lines++;
        return lines;
    }
}
