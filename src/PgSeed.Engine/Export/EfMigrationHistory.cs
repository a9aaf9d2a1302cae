using Npgsql;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Export;

/// <summary>
/// The latest EF Core migration applied to the source database, read from its <c>__EFMigrationsHistory</c> table in the
/// export's snapshot and recorded in the manifest, so a seed says which schema version it was exported from. Only a
/// database with exactly one readable history table has one (several contexts with their own tables: none is recorded).
/// Migration ids start with a timestamp, so the greatest is the latest.
/// </summary>
internal static class EfMigrationHistory
{
    public const string TableName = "__EFMigrationsHistory";

    public static async Task<string?> LatestAsync(NpgsqlConnection session, CancellationToken cancellationToken)
    {
        var tables = new List<string>();
        var find = new NpgsqlCommand(
            "SELECT n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
            "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = 'MigrationId' AND NOT a.attisdropped " +
            "WHERE c.relname = $1 AND c.relkind IN ('r', 'p') AND pg_catalog.has_table_privilege(c.oid, 'SELECT')", session);
        await using (find.ConfigureAwait(false))
        {
            find.Parameters.AddWithValue(TableName);
            var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) tables.Add(reader.GetString(0));
        }
        if (tables.Count != 1) return null;
        var latest = new NpgsqlCommand(
            $"SELECT max(\"MigrationId\" COLLATE \"C\") FROM {Identifier.Quote(tables[0])}.{Identifier.Quote(TableName)}", session);
        await using (latest.ConfigureAwait(false))
            return await latest.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }
}
