using Npgsql;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Import;

/// <summary>How an import treats rows already in the target.</summary>
public enum ImportMode
{
    /// <summary>COPY straight in; any conflict fails the whole import.</summary>
    Append,

    /// <summary>TRUNCATE every seed table (one statement), then load.</summary>
    Truncate,

    /// <summary>Load into temporary tables, then update rows whose key exists (where they differ) and insert the rest.</summary>
    Upsert,
}

/// <summary>Everything an import needs. The same request drives the CLI, MSBuild and the test fixtures.</summary>
public sealed record ImportRequest
{
    /// <summary>Npgsql connection string of the target database. Give this or <see cref="DataSource"/>, not both.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>
    /// The target as an <see cref="NpgsqlDataSource"/>, instead of <see cref="ConnectionString"/>: PgSeed opens its own
    /// session with its settings, user and password (<see cref="NpgsqlConnection.CloneWith"/>) and never disposes it.
    /// </summary>
    public NpgsqlDataSource? DataSource { get; init; }

    /// <summary>The seed folder (with its pgseed.json).</summary>
    public required string SeedDirectory { get; init; }

    /// <summary>How rows already in the target are treated (default: <see cref="ImportMode.Append"/>).</summary>
    public ImportMode Mode { get; init; } = ImportMode.Append;

    /// <summary>With <see cref="ImportMode.Truncate"/>: also truncate tables outside the seed that reference seed tables.</summary>
    public bool Cascade { get; init; }

    /// <summary>Run with <c>session_replication_role = replica</c> (user triggers off); needs a role that may set it.</summary>
    public bool DisableTriggers { get; init; }

    /// <summary>Print the plan and SQL; write nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>
    /// Run the whole import, FK checks included, then roll it back (<c>pgseed verify --against</c>): the target is
    /// left as it was. Sequences are not advanced, since <c>setval</c> is not undone by a rollback.
    /// </summary>
    public bool Rehearse { get; init; }

    /// <summary>Where the session comes from (validated: exactly one of <see cref="ConnectionString"/> and <see cref="DataSource"/>).</summary>
    internal SessionSource SessionSource => SessionSource.For(ConnectionString, DataSource, OptionNames.ImportConnection, OptionNames.ImportDataSource);

    /// <summary>The target (never its password), the seed and the mode: what a log may show of the request.</summary>
    public override string ToString() => $"ImportRequest {{ Target = {ConnectionResolver.DescribeInput(ConnectionString, DataSource)}, SeedDirectory = {SeedDirectory}, Mode = {Mode} }}";
}
