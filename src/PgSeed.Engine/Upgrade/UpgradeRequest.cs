using PgSeed.Engine.Connection;

namespace PgSeed.Engine.Upgrade;

/// <summary>What <c>pgseed upgrade</c> needs: the seed, an empty throwaway database, and the migrations to apply.</summary>
public sealed record UpgradeRequest
{
    /// <summary>The seed folder (with pgseed.json and schema.sql); rewritten atomically when the upgrade completes.</summary>
    public required string SeedDirectory { get; init; }

    /// <summary>
    /// An empty database the caller created for this upgrade and drops afterwards (the CLI starts a throwaway server,
    /// as the test fixtures do). Schema, seed and migrations go there; nothing else is touched.
    /// </summary>
    public required string ScratchConnectionString { get; init; }

    /// <summary>
    /// The schema to start from instead of the seed's own schema.sql, which holds only the seed's tables: needed when
    /// the migrations touch tables outside the seed (typically the whole schema before the migrations).
    /// </summary>
    public string? SchemaFile { get; init; }

    /// <summary>A folder of <c>.sql</c> migrations, applied in natural file-name order. Exclusive with <see cref="MigrateCommand"/>.</summary>
    public string? MigrationsDirectory { get; init; }

    /// <summary>A shell command applying the migrations, with <c>{connection}</c> standing for the database's connection string.</summary>
    public string? MigrateCommand { get; init; }

    /// <summary>Copy connections of the re-export (1..16).</summary>
    public int Parallel { get; init; } = 2;

    /// <summary>The pg_dump that writes the re-export's schema.sql (see <see cref="Export.ExportRequest.PgDump"/>).</summary>
    public string? PgDump { get; init; }

    /// <summary>The seed and the scratch server (never its password): what a log may show of the request.</summary>
    public override string ToString() => $"UpgradeRequest {{ SeedDirectory = {SeedDirectory}, Scratch = {ConnectionResolver.DescribeInput(ScratchConnectionString, null)} }}";
}

/// <summary>What an upgrade did.</summary>
public sealed record UpgradeReport
{
    /// <summary>The seed folder that was rewritten.</summary>
    public required string SeedDirectory { get; init; }

    /// <summary>Migration files applied, in order (empty for a migrate command).</summary>
    public required IReadOnlyList<string> Migrations { get; init; }

    /// <summary>The re-export that rewrote the folder.</summary>
    public required Export.ExportReport Export { get; init; }
}
