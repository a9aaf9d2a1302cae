namespace PgSeed.Testing.Servers;

/// <summary>
/// A PostgreSQL server tests can create databases on. Implementations: <see cref="LocalPostgresServer"/>
/// (a throwaway cluster from the machine's binaries) and <see cref="ExistingPostgresServer"/> (a server
/// the user runs). A container-backed server can implement this in a separate package.
/// </summary>
public interface IPostgresServer : IAsyncDisposable
{
    /// <summary>Superuser (or database-creating role) connection string to the maintenance database.</summary>
    string AdminConnectionString { get; }

    /// <summary>Major server version, e.g. 15.</summary>
    int MajorVersion { get; }

    /// <summary>Connection string for one database on this server, same credentials.</summary>
    string ConnectionStringFor(string database);

    /// <summary>Creates a database, optionally cloned from a template database.</summary>
    Task CreateDatabaseAsync(string name, string? template = null, CancellationToken cancellationToken = default);

    /// <summary>Drops a database if it exists, disconnecting its sessions.</summary>
    Task DropDatabaseAsync(string name, CancellationToken cancellationToken = default);
}
