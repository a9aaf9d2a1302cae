using Npgsql;

namespace PgSeed.Testing.Servers;

/// <summary>
/// Database management on any <see cref="IPostgresServer"/>, provided by PgSeed so every server kind (yours included)
/// behaves the same: names are quoted, drops end the database's sessions, clones copy a template.
/// </summary>
public static class PostgresServerExtensions
{
    /// <summary>Connection string for one database on the server: the admin connection string with another database.</summary>
    public static string ConnectionStringFor(this IPostgresServer server, string database)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentException.ThrowIfNullOrEmpty(database);
        return new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Database = database }.ConnectionString;
    }

    /// <summary>Creates a database, empty or as a copy of <paramref name="template"/> (<c>CREATE DATABASE ... TEMPLATE</c>).</summary>
    public static Task CreateDatabaseAsync(this IPostgresServer server, string name, string? template = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return DatabaseAdmin.CreateAsync(server.AdminConnectionString, name, template, cancellationToken);
    }

    /// <summary>Drops a database if it exists, ending its sessions first (<c>DROP DATABASE IF EXISTS ... WITH (FORCE)</c>).</summary>
    public static Task DropDatabaseAsync(this IPostgresServer server, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return DatabaseAdmin.DropAsync(server.AdminConnectionString, name, cancellationToken);
    }
}
