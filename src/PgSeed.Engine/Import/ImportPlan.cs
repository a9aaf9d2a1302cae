using PgSeed.Engine.Catalog;
using PgSeed.Engine.Seed;

namespace PgSeed.Engine.Import;

/// <summary>Everything decided before the first write: which tables load how, and what happens to each FK.</summary>
internal sealed record ImportPlan
{
    public required ImportMode Mode { get; init; }
    public required IReadOnlyList<TablePlan> Tables { get; init; }
    public required IReadOnlyList<ForeignKeyPlan> ForeignKeys { get; init; }

    /// <summary>
    /// Tables outside the seed that reference it and are truncated with it: with --cascade (they may hold rows),
    /// or without it when they are all empty (listed in the TRUNCATE, no CASCADE, so nothing else can go).
    /// </summary>
    public IReadOnlyList<TableName> CascadedTables { get; init; } = Array.Empty<TableName>();

    /// <summary>The user asked for <c>--cascade</c>.</summary>
    public bool Cascade { get; init; }

    public bool DisableTriggers { get; init; }

    /// <summary>Sequences to move past the imported values, with the direction they count in.</summary>
    public required IReadOnlyList<SequencePlan> Sequences { get; init; }

    /// <summary>Check everything, then roll back instead of committing (see <see cref="ImportRequest.Rehearse"/>).</summary>
    public bool Rehearse { get; init; }

    /// <summary>FKs of tables outside the seed checked after loading (triggers off, upsert: see <see cref="ReferencingRowsCheck"/>).</summary>
    public IReadOnlyList<ForeignKeyInfo> CheckedReferences { get; init; } = Array.Empty<ForeignKeyInfo>();

    public IEnumerable<ForeignKeyPlan> Dropped => ForeignKeys.Where(f => f.Handling == ForeignKeyHandling.Dropped);
    public IEnumerable<ForeignKeyPlan> Deferred => ForeignKeys.Where(f => f.Handling == ForeignKeyHandling.Deferred);
}

/// <summary>How one seed table gets into its target table.</summary>
internal sealed record TablePlan
{
    public required SeedTable Seed { get; init; }
    public required TableInfo Target { get; init; }
    /// <summary>Where the table's CSV comes from (a seed file, or a stream from another database).</summary>
    public required CsvSource Csv { get; init; }

    /// <summary>The seed file, for error locations; null when the CSV is streamed.</summary>
    public string? FilePath => Csv.FilePath;

    /// <summary>The CSV's columns in file order (what COPY reads).</summary>
    public required IReadOnlyList<string> CsvColumns { get; init; }

    /// <summary>CSV columns that are written to the target (generated columns of the target left out).</summary>
    public required IReadOnlyList<string> WrittenColumns { get; init; }

    /// <summary>CSV columns the target computes itself (generated): read but never written.</summary>
    public IReadOnlyList<string> SkippedColumns { get; init; } = Array.Empty<string>();

    /// <summary>An identity GENERATED ALWAYS column is written: INSERT needs OVERRIDING SYSTEM VALUE.</summary>
    public bool OverridingSystemValue { get; init; }

    /// <summary>Upsert only: the key rows are matched on (primary key, else a NOT NULL unique constraint).</summary>
    public IReadOnlyList<string>? ConflictKey { get; init; }

    /// <summary>Upsert only: non-key columns updated from the seed (identity ALWAYS columns cannot be updated).</summary>
    public IReadOnlyList<string> UpdatedColumns { get; init; } = Array.Empty<string>();

    /// <summary>Upsert only: user triggers disabled around the update of existing rows (see <see cref="UserTriggers"/>).</summary>
    public IReadOnlyList<UserTrigger> SilencedTriggers { get; init; } = Array.Empty<UserTrigger>();

    /// <summary>COPY ... FREEZE: the table was truncated in this transaction and is a plain table.</summary>
    public bool Freeze { get; init; }

    /// <summary>
    /// Load through a temporary table and INSERT ... SELECT (upsert, or a CSV column that must be skipped);
    /// otherwise COPY goes straight into the table.
    /// </summary>
    public bool Staged => ConflictKey is not null || SkippedColumns.Count > 0;

    public string Display => Target.Name.Display;
}

internal enum ForeignKeyHandling
{
    /// <summary>Dropped before loading and re-added (validated in one join) before COMMIT.</summary>
    Dropped,

    /// <summary>Deferrable: <c>SET CONSTRAINTS ... DEFERRED</c>, checked at COMMIT.</summary>
    Deferred,

    /// <summary>Left in place and checked row by row (the parent is loaded first or already there).</summary>
    CheckedPerRow,
}

/// <summary>How one FK is handled; <see cref="OnCycle"/>: its parent loads after its child because the FKs form a cycle.</summary>
internal sealed record ForeignKeyPlan(ForeignKeyInfo Key, ForeignKeyHandling Handling, bool OnCycle = false);

/// <summary>
/// A sequence feeding an imported column (owned by it or called by its default). <see cref="Increment"/> tells which end of the data it must clear;
/// <see cref="Owned"/>: the role owns it, so it moves transactionally (ALTER SEQUENCE ... RESTART) rather than by setval.
/// </summary>
internal sealed record SequencePlan(TableName Table, string Column, string Sequence, long Increment)
{
    public bool Owned { get; init; }
}
