namespace PgSeed.Engine.Export;

/// <summary>Where an export computes its subset (<c>--closure</c>).</summary>
public enum ClosureMode
{
    /// <summary>
    /// <see cref="Server"/>, unless the server is a standby (<c>pg_is_in_recovery()</c>) or the role may not create
    /// temporary tables: then <see cref="Client"/>.
    /// </summary>
    Auto,

    /// <summary>In temporary tables on the server: no row keys leave it. Needs TEMPORARY on the database and a primary.</summary>
    Server,

    /// <summary>
    /// Row keys held in this process and sent back as arrays: writes nothing on the server, so it runs on a hot standby
    /// and as a role with only SELECT and CONNECT. Memory grows with the number of keys (see <see cref="ExportRequest.ClosureKeyLimit"/>).
    /// </summary>
    Client,
}
