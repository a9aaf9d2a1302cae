using PgSeed.Engine.Connection;
using PgSeed.Engine.Export;

namespace PgSeed.Engine.Config;

/// <summary>
/// One named seed of a <c>pgseed.config.json</c>: everything an export needs except, possibly, the connection.
/// Paths are absolute (resolved against the config file's folder) and <c>${env:...}</c> references expanded.
/// </summary>
public sealed record SeedDefinitionEntry
{
    /// <summary>The seed's name (its key under <c>seeds</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Absolute path of the config file it came from.</summary>
    public required string ConfigFile { get; init; }

    /// <summary>Connection from the seed or the file (expanded); null when neither gives one.</summary>
    public string? Connection { get; init; }

    /// <summary>The export this seed describes, with a placeholder connection (see <see cref="ToExportRequest"/>).</summary>
    public required ExportRequest Request { get; init; }

    /// <summary>
    /// The export request, connecting with <paramref name="connection"/> when given (a CLI or MSBuild override),
    /// else the definition's connection, else PGSEED_CONNECTION / the PG* variables.
    /// </summary>
    public ExportRequest ToExportRequest(string? connection = null) =>
        Request with { ConnectionString = ConnectionResolver.Resolve(string.IsNullOrWhiteSpace(connection) ? Connection : connection) };
}
