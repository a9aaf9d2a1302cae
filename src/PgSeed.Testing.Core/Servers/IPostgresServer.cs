namespace PgSeed.Testing.Servers;

/// <summary>
/// A PostgreSQL server tests can create databases on. An implementer supplies only an admin connection string, the
/// major version and disposal (how to stop the server); PgSeed provides the database management
/// (<see cref="ConnectionStringFor"/>, <see cref="CreateDatabaseAsync"/>, <see cref="DropDatabaseAsync"/>: sealed, so every
/// server kind behaves the same, with quoted names; <see cref="PostgresServerExtensions"/> offers the same calls on a
/// concrete server type). Implementations: <see cref="LocalPostgresServer"/> (a throwaway cluster from the machine's
/// binaries), <see cref="ExistingPostgresServer"/> (a server you run) and, in the <c>PgSeed.Testing.Testcontainers</c>
/// package, a Docker container.
/// </summary>
public interface IPostgresServer : IAsyncDisposable
{
    /// <summary>
    /// Connection string of a role that may <c>CREATE DATABASE</c> (a superuser is best: see docs/testing.md), to the
    /// maintenance database (usually <c>postgres</c>). Connection strings for PgSeed's databases are derived from it
    /// by changing only the database.
    /// </summary>
    string AdminConnectionString { get; }

    /// <summary>Major server version, e.g. 15.</summary>
    int MajorVersion { get; }

    /// <summary>Connection string for one database on this server: the admin connection string with another database.</summary>
    sealed string ConnectionStringFor(string database) => PostgresServerExtensions.ConnectionStringFor(this, database);

    /// <summary>Creates a database, empty or as a copy of <paramref name="template"/> (<c>CREATE DATABASE ... TEMPLATE</c>).</summary>
    sealed Task CreateDatabaseAsync(string name, string? template = null, CancellationToken cancellationToken = default) =>
        PostgresServerExtensions.CreateDatabaseAsync(this, name, template, cancellationToken);

    /// <summary>Drops a database if it exists, ending its sessions first (<c>DROP DATABASE IF EXISTS ... WITH (FORCE)</c>).</summary>
    sealed Task DropDatabaseAsync(string name, CancellationToken cancellationToken = default) =>
        PostgresServerExtensions.DropDatabaseAsync(this, name, cancellationToken);
}
