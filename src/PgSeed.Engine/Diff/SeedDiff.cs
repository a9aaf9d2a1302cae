namespace PgSeed.Engine.Diff;

/// <summary>
/// What differs between two versions of a seed folder (<see cref="Before"/> → <see cref="After"/>): rows by key per
/// table, columns, <c>schema.sql</c>, and the manifest's definition. Sample lists are capped; counts are exact.
/// </summary>
public sealed record SeedDiff
{
    /// <summary>What the old side is (a folder path).</summary>
    public required string Before { get; init; }

    /// <summary>What the new side is (a folder path, or the export it came from).</summary>
    public required string After { get; init; }

    /// <summary>Manifest differences that are not rows: roots, filters, options, rules, FKs, source server version.</summary>
    public IReadOnlyList<string> ManifestChanges { get; init; } = Array.Empty<string>();

    /// <summary>Every table of either side: the after side's order, then tables only the before side has.</summary>
    public required IReadOnlyList<TableDiff> Tables { get; init; }

    /// <summary>Differences of <c>schema.sql</c>.</summary>
    public required SchemaSqlDiff Schema { get; init; }

    /// <summary>Anything differs: the manifest, schema.sql or a table.</summary>
    public bool HasChanges => ManifestChanges.Count > 0 || Schema.HasChanges || Tables.Any(t => t.HasChanges);

    /// <summary>The tables that differ, in <see cref="Tables"/> order.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<TableDiff> ChangedTables => Tables.Where(t => t.HasChanges);

    /// <summary>Rows only the after side has, over every table.</summary>
    public long RowsAdded => Tables.Sum(t => t.Added);
    /// <summary>Rows only the before side has, over every table.</summary>
    public long RowsRemoved => Tables.Sum(t => t.Removed);
    /// <summary>Rows with the same key and different values, over every table.</summary>
    public long RowsChanged => Tables.Sum(t => t.Changed);
}

/// <summary>How a table differs.</summary>
public enum TableChange
{
    /// <summary>Same rows and columns in both seeds.</summary>
    Unchanged,

    /// <summary>In both seeds, with different rows or columns.</summary>
    Changed,

    /// <summary>Only in the new seed.</summary>
    Added,

    /// <summary>Only in the old seed.</summary>
    Removed,
}

/// <summary>One table's differences. Rows are matched by the table's key (or compared whole when it has none).</summary>
public sealed record TableDiff
{
    /// <summary>The table, e.g. <c>public.customer</c>.</summary>
    public required string Table { get; init; }
    /// <summary>Whether the table was added, removed, changed or not.</summary>
    public TableChange Change { get; init; }
    /// <summary>Rows on the before side (0 when the table is new).</summary>
    public long RowsBefore { get; init; }
    /// <summary>Rows on the after side (0 when the table is gone).</summary>
    public long RowsAfter { get; init; }
    /// <summary>Rows whose key only the after side has.</summary>
    public long Added { get; init; }
    /// <summary>Rows whose key only the before side has.</summary>
    public long Removed { get; init; }

    /// <summary>Rows whose key is in both seeds with a different value in at least one column both have.</summary>
    public long Changed { get; init; }

    /// <summary>Columns only the after side has.</summary>
    public IReadOnlyList<string> ColumnsAdded { get; init; } = Array.Empty<string>();
    /// <summary>Columns only the before side has.</summary>
    public IReadOnlyList<string> ColumnsRemoved { get; init; } = Array.Empty<string>();
    /// <summary>Columns on both sides whose recorded type differs.</summary>
    public IReadOnlyList<ColumnTypeChange> TypeChanges { get; init; } = Array.Empty<ColumnTypeChange>();

    /// <summary>The columns keep their names but not their order in the file.</summary>
    public bool ColumnsReordered { get; init; }

    /// <summary>Column → number of changed rows where it differs, in column order.</summary>
    public IReadOnlyDictionary<string, long> ChangedColumns { get; init; } = new Dictionary<string, long>();

    /// <summary>Keys of added rows (capped), e.g. <c>id=17</c>.</summary>
    public IReadOnlyList<string> AddedRows { get; init; } = Array.Empty<string>();

    /// <summary>Keys of removed rows (capped).</summary>
    public IReadOnlyList<string> RemovedRows { get; init; } = Array.Empty<string>();

    /// <summary>Changed rows with their changed values (capped).</summary>
    public IReadOnlyList<ChangedRow> ChangedRows { get; init; } = Array.Empty<ChangedRow>();

    /// <summary>How rows were matched when not by the key (e.g. the table has no key: whole rows are compared).</summary>
    public string? Note { get; init; }

    /// <summary>The table differs in rows or columns.</summary>
    public bool HasChanges => Change != TableChange.Unchanged;
}

/// <summary>A column whose type differs between the seeds.</summary>
/// <param name="Column">The column.</param>
/// <param name="Before">Its type on the before side.</param>
/// <param name="After">Its type on the after side.</param>
public sealed record ColumnTypeChange(string Column, string Before, string After);

/// <summary>A row present on both sides (same key) with different values.</summary>
/// <param name="Key">The row's key, e.g. <c>id=17</c>.</param>
/// <param name="Values">The columns whose values differ.</param>
public sealed record ChangedRow(string Key, IReadOnlyList<ValueChange> Values);

/// <summary>One differing value of a changed row (null: SQL NULL).</summary>
/// <param name="Column">The column.</param>
/// <param name="Before">The value on the before side, as CSV text.</param>
/// <param name="After">The value on the after side, as CSV text.</param>
public sealed record ValueChange(string Column, string? Before, string? After);

/// <summary>Differences of <c>schema.sql</c>, by pg_dump object (<c>TABLE public.book</c>, <c>CONSTRAINT ...</c>).</summary>
public sealed record SchemaSqlDiff
{
    /// <summary>The before side has a <c>schema.sql</c>.</summary>
    public bool BeforeExists { get; init; }
    /// <summary>The after side has a <c>schema.sql</c>.</summary>
    public bool AfterExists { get; init; }
    /// <summary>The pg_dump objects that were added, removed or changed.</summary>
    public IReadOnlyList<SchemaObjectChange> Objects { get; init; } = Array.Empty<SchemaObjectChange>();
    /// <summary>schema.sql appeared, disappeared or changed.</summary>
    public bool HasChanges => BeforeExists != AfterExists || Objects.Count > 0;
}

/// <summary>
/// One object of schema.sql that was added, removed or changed; <see cref="Lines"/> are its lines as a diff
/// (<c>+</c> added, <c>-</c> removed, a space for context).
/// </summary>
public sealed record SchemaObjectChange(string Name, TableChange Change, IReadOnlyList<string> Lines);
