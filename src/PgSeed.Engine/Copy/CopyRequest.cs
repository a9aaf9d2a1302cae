using Npgsql;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Import;

namespace PgSeed.Engine.Copy;

/// <summary>
/// A database-to-database copy (<c>pgseed copy</c>): the rows an export of <see cref="Source"/> would write, streamed
/// into <see cref="TargetConnectionString"/> with an import's guarantees. The same request drives the CLI and tests.
/// </summary>
public sealed record CopyRequest
{
    /// <summary>
    /// What to copy and from where: the export's selection (roots, filters, rules and masks, exclusions, virtual FKs,
    /// the closure mode) and the source's connection string. A root table given as a glob (<c>sales.*</c>) stands for
    /// every table it matches; references into excluded tables are copied as they are (the target's FKs check them).
    /// Its output folder, schema.sql, README, personal-data lint, parallelism and dry-run settings are not used.
    /// </summary>
    public required ExportRequest Source { get; init; }

    /// <summary>
    /// Npgsql connection string of the target database (its schema must hold the tables and columns). Give this or
    /// <see cref="TargetDataSource"/>, not both. (The source's is <see cref="ExportRequest.ConnectionString"/> or
    /// <see cref="ExportRequest.DataSource"/> of <see cref="Source"/>.)
    /// </summary>
    public string? TargetConnectionString { get; init; }

    /// <summary>The target as an <see cref="NpgsqlDataSource"/>, instead of <see cref="TargetConnectionString"/> (never disposed by PgSeed).</summary>
    public NpgsqlDataSource? TargetDataSource { get; init; }

    internal SessionSource TargetSessionSource => SessionSource.For(TargetConnectionString, TargetDataSource, OptionNames.CopyTargetConnection, OptionNames.CopyTargetDataSource);

    /// <summary>How rows already in the target are treated (see <see cref="ImportMode"/>).</summary>
    public ImportMode Mode { get; init; } = ImportMode.Append;

    /// <summary>With <see cref="ImportMode.Truncate"/>: also empty the target's tables that reference the copied ones.</summary>
    public bool Cascade { get; init; }

    /// <summary>Load with user triggers off (<c>session_replication_role = replica</c>); FKs are still checked.</summary>
    public bool DisableTriggers { get; init; }

    /// <summary>Source connections on the one snapshot, reading the next tables ahead while the target loads (1..16).</summary>
    public int Parallel { get; init; } = 2;

    /// <summary>Print both plans and the SQL; read no rows, write nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>Source and target (never their passwords) and the mode: what a log may show of the request.</summary>
    public override string ToString() => $"CopyRequest {{ Source = {ConnectionResolver.DescribeInput(Source.ConnectionString, Source.DataSource)}, Target = {ConnectionResolver.DescribeInput(TargetConnectionString, TargetDataSource)}, Mode = {Mode} }}";
}

/// <summary>What a copy did: one entry per table, in the order the target loaded them.</summary>
public sealed record CopyReport
{
    /// <summary>One entry per copied table, in load order.</summary>
    public required IReadOnlyList<TableReport> Tables { get; init; }
    /// <summary>Wall-clock time of the whole copy.</summary>
    public required TimeSpan Elapsed { get; init; }
    /// <summary>How the target treated rows it already had.</summary>
    public ImportMode Mode { get; init; }
    /// <summary>The plan was printed; nothing was read or written.</summary>
    public bool DryRun { get; init; }
    /// <summary>Rows copied, summed over <see cref="Tables"/>.</summary>
    public long TotalRows => Tables.Sum(t => t.Rows);
    /// <summary>CSV bytes streamed, summed over <see cref="Tables"/>.</summary>
    public long TotalBytes => Tables.Sum(t => t.Bytes);

    /// <summary>Where the subset was computed on the source, and why there.</summary>
    public ClosureMode Closure { get; init; }
    /// <summary>Why the closure ran where it did (see <see cref="Closure"/>).</summary>
    public string? ClosureReason { get; init; }

    /// <summary>The summary tree, ready to print.</summary>
    public string Tree { get; init; } = "";
}
