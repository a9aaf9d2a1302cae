using System.Collections.ObjectModel;
using PgSeed.Engine.Catalog;

namespace PgSeed.Engine.Export;

/// <summary>
/// A table taking part in the subset, with how its rows are identified and shaped. Set once by <see cref="SubsetPlanner"/>
/// from the planning steps' results (reach, rules, classification); never changed afterwards.
/// </summary>
internal sealed class PlannedTable
{
    public required TableInfo Info { get; init; }

    /// <summary>Position in discovery order; names the key table <c>pg_temp.pgseed_k{Index}</c>.</summary>
    public required int Index { get; init; }

    /// <summary>
    /// Columns identifying a row (primary key, else a NOT NULL unique key). Null: the table has neither
    /// and rows are identified by <c>(tableoid, ctid)</c>, which is stable within the export's snapshot.
    /// </summary>
    public IReadOnlyList<string>? KeyColumns { get; init; }

    /// <summary>Every row of the table is exported (an unfiltered root, or all children of one): no key table.</summary>
    public bool All { get; init; }

    /// <summary>Rows of this table can be reached as descendants of a root (so they pull in their own children).</summary>
    public bool Down { get; init; }

    public bool IsRoot { get; init; }

    /// <summary>
    /// Set when rows arrive only through this one child FK (not a root, no where rule, nothing references the
    /// table): each row can be found once only, so its key table needs no unique index and no conflict
    /// handling, and the step back up this FK would only find the rows that brought it in.
    /// </summary>
    public ForeignKeyInfo? Entry { get; init; }
    public bool SingleEntry => Entry is not null;

    /// <summary>
    /// Set for a single-entry table from which nothing descends (a leaf such as order lines): its rows are exactly
    /// the rows referencing, through this FK, the descendant rows of <see cref="DerivedParent"/>. The row set is never
    /// materialised: copies and the steps to its parents read it by a semi-join with the parent's key table, which
    /// saves writing (and indexing) what is typically the largest key set of the export.
    /// </summary>
    public ForeignKeyInfo? DerivedFrom { get; init; }
    public PlannedTable? DerivedParent { get; init; }
    public bool Derived => DerivedFrom is not null;

    /// <summary>
    /// The key table holds whole rows (every keyed table that is neither complete nor derived): a row is read from
    /// its table once, by the step that finds it; the steps after it and the COPY read the key table instead of
    /// joining back to the table. Tables keyed by ctid keep narrow key tables.
    /// </summary>
    public bool Wide => HasKeyTable && !UsesCtid;

    /// <summary>
    /// Some parent step adds rows to this table, so its key table may hold rows that are not descendants yet
    /// (a child step must then promote them: ON CONFLICT DO UPDATE). Otherwise child steps insert plainly.
    /// </summary>
    public bool ReachedByParentSteps { get; init; }

    /// <summary>
    /// Rows arrive only as parents of complete tables (typically lookup tables in a full export): every one of
    /// them is known from the start, so one statement fills the key table, which needs no unique index.
    /// </summary>
    public bool FromCompleteTablesOnly { get; init; }

    /// <summary>The table has a temporary key table (neither complete nor derived).</summary>
    public bool HasKeyTable => !All && !Derived;
    public string Reason { get; init; } = "";
    public TableName? TreeParent { get; init; }

    /// <summary>Extra condition from a table rule (applies to rows reached as children, not as parents).</summary>
    public string? Where { get; init; }
    public IReadOnlyDictionary<string, object?> WhereParameters { get; init; } = new Dictionary<string, object?>();

    /// <summary>Column → SQL expression the COPY writes instead of the column's value (masks included).</summary>
    public IReadOnlyDictionary<string, string> Transforms { get; init; } = new Dictionary<string, string>();

    /// <summary>Columns left out of the CSV.</summary>
    public IReadOnlySet<string> Omitted { get; init; } = new HashSet<string>();

    public TableName Name => Info.Name;
    public string KeyTable => $"pg_temp.pgseed_k{Index}";
    public bool UsesCtid => KeyColumns is null;

    /// <summary>
    /// Key column names in the key table: a wide one has the table's own (quoted) columns; a narrow one
    /// pgseed_k0..n (prefixed so they never collide with user columns).
    /// </summary>
    public IReadOnlyList<string> KeyTableColumns => Wide
        ? KeyColumns!.Select(Sql.Identifier.Quote).ToList()
        : Enumerable.Range(0, UsesCtid ? 2 : KeyColumns!.Count).Select(i => $"pgseed_k{i}").ToList();

    /// <summary>
    /// Non-key columns the closure reads from this table's rows (FK columns of its parent edges, referenced
    /// columns of its child edges). The key table carries them, so a step never joins back to the table.
    /// (A read-only collection with <c>IndexOf</c>: a column's position names its <c>pgseed_pN</c> column.)
    /// </summary>
    public ReadOnlyCollection<string> Payload { get; init; } = ReadOnlyCollection<string>.Empty;

    public IReadOnlyList<string> PayloadTableColumns => Enumerable.Range(0, Payload.Count).Select(i => $"pgseed_p{i}").ToList();

    /// <summary>Key and payload values of a row alias, in key-table column order.</summary>
    public IReadOnlyList<string> RowValues(string alias) => Wide
        ? Info.Columns.Select(c => alias + "." + Sql.Identifier.Quote(c.Name)).ToList()
        : KeyExpressions(alias).Concat(Payload.Select(c => alias + "." + Sql.Identifier.Quote(c))).ToList();

    /// <summary>Key and payload column names of the key table (a wide one: the table's own columns).</summary>
    public IReadOnlyList<string> StoredColumns => Wide
        ? Info.Columns.Select(c => Sql.Identifier.Quote(c.Name)).ToList()
        : KeyTableColumns.Concat(PayloadTableColumns).ToList();

    /// <summary>How a step reads column <paramref name="column"/> of a key-table row aliased <paramref name="alias"/>.</summary>
    public string Stored(string alias, string column)
    {
        if (Wide) return alias + "." + Sql.Identifier.Quote(column);
        if (!UsesCtid)
            for (var i = 0; i < KeyColumns!.Count; i++)
                if (KeyColumns[i] == column) return $"{alias}.pgseed_k{i}";
        var p = Payload.IndexOf(column);
        if (p < 0) throw new InvalidOperationException($"{Name.Display}.{column} is not carried in the key table");
        return $"{alias}.pgseed_p{p}";
    }

    /// <summary>Expressions for the key on a row alias: <c>t."id"</c>, or <c>t.tableoid, t.ctid</c>.</summary>
    public IReadOnlyList<string> KeyExpressions(string alias) => UsesCtid
        ? new[] { alias + ".tableoid", alias + ".ctid" }
        : KeyColumns!.Select(c => alias + "." + Sql.Identifier.Quote(c)).ToList();

    /// <summary>Columns written to the CSV: non-generated, not omitted.</summary>
    public IReadOnlyList<ColumnInfo> ExportColumns => Info.DataColumns.Where(c => !Omitted.Contains(c.Name)).ToList();

    public override string ToString() => Name.Display;
}

/// <summary>How a selected root table's rows are chosen.</summary>
internal sealed record PlannedRoot(PlannedTable Table, RootSelection Selection)
{
    /// <summary>The partition the user named as the root: its rows (filtered) are the roots, as rows of <see cref="Table"/>.</summary>
    public Catalog.PartitionInfo? Partition { get; init; }
}

/// <summary>The static plan: which tables take part, along which FKs rows flow, in import order.</summary>
internal sealed class SubsetPlan
{
    public required IReadOnlyList<PlannedTable> Tables { get; init; }
    public required IReadOnlyList<PlannedRoot> Roots { get; init; }

    /// <summary>FKs followed from referencing rows to the rows they reference (always, for integrity).</summary>
    public required IReadOnlyList<ForeignKeyInfo> ParentEdges { get; init; }

    /// <summary>FKs followed from descendant rows down to rows referencing them.</summary>
    public required IReadOnlyList<ForeignKeyInfo> ChildEdges { get; init; }

    /// <summary>Tables in import order (parents first where the FKs allow).</summary>
    public required IReadOnlyList<PlannedTable> ImportOrder { get; init; }

    public PlannedTable this[TableName name] => Tables.First(t => t.Name == name);
    public PlannedTable? Find(TableName name) => Tables.FirstOrDefault(t => t.Name == name);
}
