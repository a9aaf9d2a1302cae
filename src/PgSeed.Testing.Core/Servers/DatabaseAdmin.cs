using Npgsql;
using PgSeed.Engine.Sql;

namespace PgSeed.Testing.Servers;

/// <summary>CREATE / DROP DATABASE, shared by the server implementations.</summary>
internal static class DatabaseAdmin
{
    public static async Task CreateAsync(string adminConnectionString, string name, string? template, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(cancellationToken);
        var sql = $"CREATE DATABASE {Identifier.Quote(name)}" + (template is null ? "" : $" TEMPLATE {Identifier.Quote(template)}");
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task DropAsync(string adminConnectionString, string name, CancellationToken cancellationToken)
    {
        // Pooled idle connections to the database would block the drop; FORCE ends them server-side.
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Identifier.Quote(name)} WITH (FORCE)", connection);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<int> MajorVersionAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var cmd = new NpgsqlCommand("SELECT current_setting('server_version_num')::int / 10000", connection);
        return (int)(await cmd.ExecuteScalarAsync(cancellationToken))!;
    }
}
