using Npgsql;
using PgSeed.Engine.Sql;

namespace PgSeed.Testing.Servers;

/// <summary>CREATE / DROP / RENAME DATABASE and session control on a server's admin connection, for every server kind.</summary>
internal static class DatabaseAdmin
{
    public static async Task CreateAsync(string adminConnectionString, string name, string? template, CancellationToken cancellationToken)
    {
        var sql = $"CREATE DATABASE {Identifier.Quote(name)}" + (template is null ? "" : $" TEMPLATE {Identifier.Quote(template)}");
        await ExecuteAsync(adminConnectionString, sql, cancellationToken).ConfigureAwait(false);
    }

    public static async Task DropAsync(string adminConnectionString, string name, CancellationToken cancellationToken)
    {
        // Pooled idle connections to the database would block the drop; FORCE ends them server-side.
        await ExecuteAsync(adminConnectionString, $"DROP DATABASE IF EXISTS {Identifier.Quote(name)} WITH (FORCE)", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends every session on the database, then renames it (a database with sessions cannot be renamed).</summary>
    public static async Task RenameAsync(string adminConnectionString, string name, string newName, CancellationToken cancellationToken)
    {
        await DisconnectAllAsync(adminConnectionString, name, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(adminConnectionString, $"ALTER DATABASE {Identifier.Quote(name)} RENAME TO {Identifier.Quote(newName)}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends every other session on a database (CREATE DATABASE ... TEMPLATE refuses while anyone is connected to the template).</summary>
    public static async Task DisconnectAllAsync(string adminConnectionString, string name, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(adminConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var cmd = new NpgsqlCommand(
                "SELECT count(pg_catalog.pg_terminate_backend(pid)) FROM pg_catalog.pg_stat_activity WHERE datname = $1 AND pid <> pg_catalog.pg_backend_pid()",
                connection);
            await using (cmd.ConfigureAwait(false))
            {
                cmd.Parameters.AddWithValue(name);
                await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public static async Task<int> MajorVersionAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection.PostgreSqlVersion.Major;
        }
    }

    private static async Task ExecuteAsync(string adminConnectionString, string sql, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(adminConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var cmd = new NpgsqlCommand(sql, connection);
            await using (cmd.ConfigureAwait(false))
                await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
