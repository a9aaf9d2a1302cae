using Npgsql;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Upgrade;

/// <summary>
/// Runs a SQL script (a seed's schema.sql, a migration file) statement by statement, so a server error becomes
/// PGSEED055 naming the file and the line. pg_dump 17.6+ writes psql-only <c>\restrict</c>/<c>\unrestrict</c> lines,
/// which the server would reject: they are dropped. Statements run one by one in autocommit: the upgrade's database is
/// thrown away on any failure, and statements that refuse a transaction block (<c>CREATE INDEX CONCURRENTLY</c>) work.
/// (A small stand-in, meant to give way to the engine's own script runner once it has one.)
/// </summary>
internal static class SqlScript
{
    public static async Task ExecuteAsync(NpgsqlConnection connection, string path, string what, CancellationToken cancellationToken)
    {
        var text = WithoutPsqlRestrictLines(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false));
        foreach (var (offset, statement) in SqlStatements.Split(text))
        {
            try
            {
                // A batch command is sent as it is; NpgsqlCommand would split it again at every semicolon,
                // including those inside a BEGIN ATOMIC body.
                await using var batch = new NpgsqlBatch(connection) { Timeout = 0, BatchCommands = { new NpgsqlBatchCommand(statement) } };
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e)
            {
                // The error's position is within the statement (1-based); count the lines up to it.
                var at = offset + (e.Position > 0 ? Math.Min(e.Position - 1, statement.Length) : 0);
                var line = 1 + text.AsSpan(0, at).Count('\n');
                throw new PgSeedException(ErrorCode.MigrationFailed,
                    $"{what} {Path.GetFileName(path)} failed at line {line}: {e.SqlState} {Connection.ConnectionResolver.Redact(e.MessageText)}" +
                    (string.IsNullOrEmpty(e.Detail) ? "" : $" ({e.Detail})") + ". The seed folder was not changed.", e)
                {
                    File = path,
                    Line = line,
                    Table = e.TableName is null ? null : $"{e.SchemaName}.{e.TableName}",
                    Column = e.ColumnName,
                };
            }
        }
    }

    /// <summary>Drops psql's <c>\restrict KEY</c> and <c>\unrestrict KEY</c> lines; everything else is left as it is.</summary>
    internal static string WithoutPsqlRestrictLines(string script) => string.Join('\n', script.Replace("\r\n", "\n").Split('\n')
        .Where(l => !l.TrimStart().StartsWith("\\restrict", StringComparison.Ordinal) && !l.TrimStart().StartsWith("\\unrestrict", StringComparison.Ordinal)));
}
