using Npgsql;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Upgrade;

/// <summary>
/// Runs a SQL script (a seed's schema.sql, a migration file) in one round trip, and turns a server error into
/// PGSEED055 naming the file and line. pg_dump 17.6+ writes psql-only <c>\restrict</c>/<c>\unrestrict</c> lines, which
/// the server would reject: they are dropped. (A small stand-in, meant to give way to the engine's own script
/// runner once it has one.)
/// </summary>
internal static class SqlScript
{
    public static async Task ExecuteAsync(NpgsqlConnection connection, string path, string what, CancellationToken cancellationToken)
    {
        var text = WithoutPsqlRestrictLines(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false));
        if (string.IsNullOrWhiteSpace(text)) return;
        try
        {
            await using var cmd = new NpgsqlCommand(text, connection) { CommandTimeout = 0 };
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e)
        {
            var line = LineOf(text, e);
            throw new PgSeedException(ErrorCode.MigrationFailed,
                $"{what} {Path.GetFileName(path)} failed{(line is null ? "" : $" at line {line}")}: {e.SqlState} {Connection.ConnectionResolver.Redact(e.MessageText)}" +
                (string.IsNullOrEmpty(e.Detail) ? "" : $" ({e.Detail})") + ". The seed folder was not changed.", e)
            {
                File = path,
                Line = line,
                Table = e.TableName is null ? null : $"{e.SchemaName}.{e.TableName}",
                Column = e.ColumnName,
            };
        }
    }

    /// <summary>Drops psql's <c>\restrict KEY</c> and <c>\unrestrict KEY</c> lines; everything else is left as it is.</summary>
    internal static string WithoutPsqlRestrictLines(string script) => string.Join('\n', script.Replace("\r\n", "\n").Split('\n')
        .Where(l => !l.TrimStart().StartsWith("\\restrict", StringComparison.Ordinal) && !l.TrimStart().StartsWith("\\unrestrict", StringComparison.Ordinal)));

    /// <summary>The script line of the error: where the failing statement starts, plus the line of the error's position in it.</summary>
    private static int? LineOf(string script, PostgresException e)
    {
        var statement = e.BatchCommand?.CommandText;
        if (string.IsNullOrEmpty(statement)) return null;
        var start = script.IndexOf(statement, StringComparison.Ordinal);
        if (start < 0) return null;
        var offset = e.Position > 0 ? Math.Min(e.Position - 1, statement.Length) : 0;
        return 1 + script.AsSpan(0, start + offset).Count('\n');
    }
}
