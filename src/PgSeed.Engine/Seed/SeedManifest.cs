namespace PgSeed.Engine.Seed;

/// <summary>
/// <c>pgseed.json</c>: what a seed folder holds. A public contract, documented in docs/seed-format.md.
/// Nothing in it depends on when or where the export ran, so unchanged data gives an identical file.
/// </summary>
public sealed record SeedManifest
{
    /// <summary>The manifest's file name inside a seed folder.</summary>
    public const string FileName = "pgseed.json";
    /// <summary>The <see cref="FormatVersion"/> this version of PgSeed writes and reads.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>Version of this format; readers refuse versions they do not know.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>Major version of the server the seed was exported from (e.g. 15).</summary>
    public int SourceServerMajorVersion { get; init; }

    /// <summary>
    /// The latest EF Core migration applied to the source database (from its <c>__EFMigrationsHistory</c>), when it has one
    /// such table; absent otherwise. Tells which schema version the seed was exported from.
    /// </summary>
    public string? EfMigration { get; init; }

    /// <summary>The roots and options the subset was computed from.</summary>
    public required SeedDefinition Definition { get; init; }

    /// <summary>Tables in import (dependency) order: parents before children where the FKs allow.</summary>
    public required IReadOnlyList<SeedTable> Tables { get; init; }

    /// <summary>FKs between exported tables.</summary>
    public required IReadOnlyList<SeedForeignKey> ForeignKeys { get; init; }
}

/// <summary>What the export was asked for.</summary>
public sealed record SeedDefinition
{
    /// <summary>The tables whose rows started the subset, main root first.</summary>
    public required IReadOnlyList<SeedRoot> Roots { get; init; }

    /// <summary><c>all</c> or <c>none</c>.</summary>
    public string Children { get; init; } = "all";

    /// <summary>FKs not descended along, as <c>[schema.]child.fk_name</c>.</summary>
    public IReadOnlyList<string> ExcludedEdges { get; init; } = Array.Empty<string>();
    /// <summary>The schemas the catalog was limited to; empty for every non-system schema.</summary>
    public IReadOnlyList<string> Schemas { get; init; } = Array.Empty<string>();

    // The shaping rules of a seed definition file, recorded so the seed can be re-exported from its manifest alone
    // (diff, upgrade). Absent (null / false) when unused, so manifests without rules stay as they were.

    /// <summary>Tables (names or globs) never exported.</summary>
    public IReadOnlyList<string>? ExcludedTables { get; init; }

    /// <summary>Nullable FKs into excluded tables were exported as NULL.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool NullExcludedReferences { get; init; }

    /// <summary>Relations followed like FKs although the schema lacks them.</summary>
    public IReadOnlyList<SeedVirtualForeignKey>? VirtualForeignKeys { get; init; }

    /// <summary>Per-table where rules, masks, transforms and omitted columns, as the definition gave them (salts never recorded).</summary>
    public IReadOnlyList<SeedRule>? Rules { get; init; }
}

/// <summary>A root table and the filter or raw query that selected its rows.</summary>
public sealed record SeedRoot
{
    /// <summary>The root table as the user wrote it.</summary>
    public required string Table { get; init; }
    /// <summary>The WHERE / ORDER BY / LIMIT text that selected its rows; null for every row.</summary>
    public string? Filter { get; init; }
    /// <summary>The full SELECT that selected its rows, when a raw query was given.</summary>
    public string? Raw { get; init; }
}

/// <summary>One exported table and its CSV file.</summary>
public sealed record SeedTable
{
    /// <summary>Display name, e.g. <c>public.customer</c> or <c>sales."Order"</c>.</summary>
    public required string Name { get; init; }
    /// <summary>The table's schema, unquoted.</summary>
    public required string Schema { get; init; }
    /// <summary>The table's name, unquoted.</summary>
    public required string Table { get; init; }

    /// <summary>File name inside the seed folder, e.g. <c>public.customer.csv</c>.</summary>
    public required string File { get; init; }

    /// <summary>Data rows (the header line not counted).</summary>
    public long Rows { get; init; }

    /// <summary>File size in bytes.</summary>
    public long Bytes { get; init; }

    /// <summary>Lower-case hex SHA-256 of the file.</summary>
    public required string Sha256 { get; init; }

    /// <summary>Why the table is in the seed: <c>root</c>, <c>child of X via fk</c>, <c>parent of X via fk</c>.</summary>
    public string? Reason { get; init; }

    /// <summary>Primary key (or the unique key used instead); empty when the table has none.</summary>
    public IReadOnlyList<string> Key { get; init; } = Array.Empty<string>();

    /// <summary>The CSV's columns, in file order, with their source types.</summary>
    public required IReadOnlyList<SeedColumn> Columns { get; init; }
}

/// <summary>A CSV column.</summary>
/// <param name="Name">The column's name, unquoted.</param>
/// <param name="Type">Its type in the source database, e.g. <c>integer</c> or <c>character varying(80)</c>.</param>
public sealed record SeedColumn(string Name, string Type);

/// <summary>An FK between two exported tables.</summary>
public sealed record SeedForeignKey
{
    /// <summary>The constraint's name.</summary>
    public required string Name { get; init; }
    /// <summary>The referencing (child) table.</summary>
    public required string Table { get; init; }
    /// <summary>The referencing columns.</summary>
    public required IReadOnlyList<string> Columns { get; init; }
    /// <summary>The referenced (parent) table.</summary>
    public required string References { get; init; }
    /// <summary>The referenced columns, in the order of <see cref="Columns"/>.</summary>
    public required IReadOnlyList<string> ReferencedColumns { get; init; }
    /// <summary>The FK is declared DEFERRABLE.</summary>
    public bool Deferrable { get; init; }
}
