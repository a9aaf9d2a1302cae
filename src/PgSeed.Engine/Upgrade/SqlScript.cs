using Npgsql;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Upgrade;

/// <summary>
/// Runs a SQL script of an upgrade (the seed's schema.sql, a migration file) with the engine's script runner
/// (<see cref="Sql.SqlScript"/>: psql's statement splitting, pg_dump's meta-lines), reporting a failing statement as
/// PGSEED055 with the file and line, since an upgrade's scripts are the user's migrations.
/// </summary>
internal static class SqlScript
{
    public static async Task ExecuteAsync(NpgsqlConnection connection, string path, string what, CancellationToken cancellationToken)
    {
        try
        {
            await Sql.SqlScript.RunFileAsync(connection, path, cancellationToken).ConfigureAwait(false);
        }
        catch (PgSeedException e) when (e.Code is ErrorCode.SchemaScriptFailed)
        {
            // The runner's message starts with "<path> line N: "; the upgrade names the file its own way.
            var detail = e.Message.StartsWith($"{path} line {e.Line}: ", StringComparison.Ordinal) ? e.Message[$"{path} line {e.Line}: ".Length..] : e.Message;
            throw new PgSeedException(ErrorCode.MigrationFailed,
                $"{what} {Path.GetFileName(path)} failed at line {e.Line}: {detail}. The seed folder was not changed.", e)
            {
                File = path,
                Line = e.Line,
                Table = e.Table,
                Column = e.Column,
            };
        }
    }
}
