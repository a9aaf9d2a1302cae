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

    public required SchemaSqlDiff Schema { get; init; }

    public bool HasChanges => ManifestChanges.Count > 0 || Schema.HasChanges || Tables.Any(t => t.HasChanges);

    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<TableDiff> ChangedTables => Tables.Where(t => t.HasChanges);

    public long RowsAdded => Tables.Sum(t => t.Added);
    public long RowsRemoved => Tables.Sum(t => t.Removed);
    public long RowsChanged => Tables.Sum(t => t.Changed);
}

/// <summary>How a table differs.</summary>
public enum TableChange
{
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
    public required string Table { get; init; }
    public TableChange Change { get; init; }
    public long RowsBefore { get; init; }
    public long RowsAfter { get; init; }
    public long Added { get; init; }
    public long Removed { get; init; }

    /// <summary>Rows whose key is in both seeds with a different value in at least one column both have.</summary>
    public long Changed { get; init; }

    public IReadOnlyList<string> ColumnsAdded { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> ColumnsRemoved { get; init; } = Array.Empty<string>();
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

    public bool HasChanges => Change != TableChange.Unchanged;
}

public sealed record ColumnTypeChange(string Column, string Before, string After);

public sealed record ChangedRow(string Key, IReadOnlyList<ValueChange> Values);

public sealed record ValueChange(string Column, string? Before, string? After);

/// <summary>Differences of <c>schema.sql</c>, by pg_dump object (<c>TABLE public.book</c>, <c>CONSTRAINT ...</c>).</summary>
public sealed record SchemaSqlDiff
{
    public bool BeforeExists { get; init; }
    public bool AfterExists { get; init; }
    public IReadOnlyList<SchemaObjectChange> Objects { get; init; } = Array.Empty<SchemaObjectChange>();
    public bool HasChanges => BeforeExists != AfterExists || Objects.Count > 0;
}

/// <summary>
/// One object of schema.sql that was added, removed or changed; <see cref="Lines"/> are its lines as a diff
/// (<c>+</c> added, <c>-</c> removed, a space for context).
/// </summary>
public sealed record SchemaObjectChange(string Name, TableChange Change, IReadOnlyList<string> Lines);
