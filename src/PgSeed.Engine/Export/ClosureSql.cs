using PgSeed.Engine.Catalog;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Export;

/// <summary>
/// The SQL of the closure. Each participating table that is neither complete nor derived gets a temporary
/// table <c>pg_temp.pgseed_kN</c> holding its rows found so far: the whole row (a table with a key), or for a
/// keyless table <c>(tableoid, ctid)</c> as <c>pgseed_k0, pgseed_k1</c> plus the columns later steps read
/// (<c>pgseed_p0..</c>) — and in both, whether the row is a descendant (pulls in children) and the round that added
/// or promoted it. Round n follows every FK from the rows of round n-1 only (semi-naive evaluation), until a
/// round adds nothing.
/// </summary>
internal static class ClosureSql
{
    private static readonly string[] DerivedKeyColumns = ["c.pgseed_tableoid", "c.pgseed_ctid"];

    public const string Descendant = "pgseed_d";
    public const string Round = "pgseed_r";

    public static string CreateKeyTable(PlannedTable t)
    {
        // LIKE keeps each column's type and collation (so the COPY sorts text keys as the table would); generation
        // expressions, identities and defaults are not copied: the columns take the row's values as they are.
        var unique = !t.SingleEntry && !t.FromCompleteTablesOnly;
        if (t.Wide)
            return $"CREATE TEMP TABLE {t.KeyTable} (LIKE {t.Name.Sql}, {Descendant} boolean NOT NULL, {Round} integer NOT NULL" +
                   (unique ? $", PRIMARY KEY ({string.Join(", ", t.KeyTableColumns)})" : "") + ") ON COMMIT DROP";
        var cols = new List<string>();
        if (t.UsesCtid)
        {
            cols.Add("pgseed_k0 oid NOT NULL");
            cols.Add("pgseed_k1 tid NOT NULL");
        }
        else
        {
            for (var i = 0; i < t.KeyColumns!.Count; i++)
                cols.Add($"pgseed_k{i} {t.Info.Column(t.KeyColumns[i])!.Type} NOT NULL");
        }
        for (var i = 0; i < t.Payload.Count; i++)
            cols.Add($"pgseed_p{i} {t.Info.Column(t.Payload[i])!.Type}");
        cols.Add($"{Descendant} boolean NOT NULL");
        cols.Add($"{Round} integer NOT NULL");
        if (unique) cols.Add($"PRIMARY KEY ({string.Join(", ", t.KeyTableColumns)})");
        return $"CREATE TEMP TABLE {t.KeyTable} ({string.Join(", ", cols)}) ON COMMIT DROP";
    }

    private static string InsertInto(PlannedTable t, string? alias = null) =>
        $"INSERT INTO {t.KeyTable}{(alias is null ? "" : " AS " + alias)} ({string.Join(", ", t.StoredColumns)}, {Descendant}, {Round})";

    /// <summary>Seeds a root's key table from the user's filter (appended after FROM) or raw query.</summary>
    public static string SeedRoot(PlannedRoot root) =>
        $"{InsertInto(root.Table)}\n{RootSelect(root, root.Table.RowValues, root.Table.StoredColumns, root.Table.KeyTableColumns)}\nON CONFLICT DO NOTHING";

    /// <summary>
    /// The root rows of <paramref name="root"/> as <c>SELECT values, true, 0</c>: <paramref name="values"/> gives the
    /// selected expressions for a row alias, named <paramref name="names"/> (the first of them, <paramref name="keyNames"/>,
    /// hold the key) where a where rule wraps the selection. The server closure inserts it into the key table; the
    /// client closure reads it (<see cref="ClientClosureSql"/>).
    /// </summary>
    public static string RootSelect(PlannedRoot root, Func<string, IReadOnlyList<string>> values, IReadOnlyList<string> names, IReadOnlyList<string> keyNames)
    {
        var t = root.Table;
        string select;
        if ((root.Selection.Raw ?? PartitionRows(root)) is { } raw)
        {
            select = t.UsesCtid
                // A keyless table: match the raw query's rows to table rows by their whole text.
                ? $"SELECT {string.Join(", ", values("t"))}, true, 0 FROM {t.Name.Sql} t WHERE (t.*)::text IN (SELECT (pgseed_raw.*)::text FROM (\n{raw}\n) AS pgseed_raw)"
                : $"SELECT {string.Join(", ", values("t"))}, true, 0 FROM {t.Name.Sql} t WHERE ({string.Join(", ", t.KeyExpressions("t"))}) IN " +
                  $"(SELECT {string.Join(", ", t.KeyColumns!.Select(c => "pgseed_raw." + Identifier.Quote(c)))} FROM (\n{raw}\n) AS pgseed_raw)";
        }
        else
        {
            // No alias: the filter may name the table's columns plainly or qualified by the table name.
            select = $"SELECT {string.Join(", ", values(t.Name.Sql))}, true, 0 FROM {t.Name.Sql}" + (root.Selection.Filter is { } f ? "\n" + f : "");
        }
        if (t.Where is not null)
        {
            // A where rule on a root table restricts the roots too. Inside EXISTS plain column names resolve to
            // the table row, so the rule reads the same as everywhere else.
            var match = string.Join(" AND ", t.KeyExpressions("pgseed_w").Zip(keyNames, (e, k) => $"{e} = pgseed_root.{k}"));
            select = $"SELECT pgseed_root.* FROM (\n{select}\n) AS pgseed_root({string.Join(", ", names)}, {Descendant}, {Round})\n" +
                     $"WHERE EXISTS (SELECT 1 FROM {t.Name.Sql} pgseed_w WHERE {match} AND ({t.Where}))";
        }
        return select;
    }

    /// <summary>
    /// For a partition named as the root: its rows (with the user's filter, which may name the partition) in the
    /// partitioned table's column order, so a keyless table's rows compare by their whole text.
    /// </summary>
    private static string? PartitionRows(PlannedRoot root)
    {
        if (root.Partition is not { } partition) return null;
        var columns = string.Join(", ", root.Table.Info.Columns.Select(c => partition.Name.Sql + "." + Identifier.Quote(c.Name)));
        return $"SELECT {columns} FROM {partition.Name.Sql}" + (root.Selection.Filter is { } f ? "\n" + f : "");
    }

    /// <summary>Length of the text before the user's filter in <see cref="SeedRoot"/> (to map error positions).</summary>
    public static int UserSqlOffset(PlannedRoot root)
    {
        var sql = SeedRoot(root);
        var user = root.Selection.Raw ?? root.Selection.Filter;
        return user is null ? 0 : sql.IndexOf(user, StringComparison.Ordinal);
    }

    /// <summary>
    /// The rows a step starts from — those added in the previous round (read from the key table, which carries
    /// every column a step needs), or every row of a complete table — and how to read their columns.
    /// </summary>
    private static (string From, string Where, Func<string, string> Column) SourceRows(PlannedTable source, bool descendantsOnly, string roundParam)
    {
        if (source.All) return ($"{source.Name.Sql} t", "true", c => "t." + Identifier.Quote(c));
        if (source.DerivedFrom is { } entry)
        {
            // A derived table's new rows: those referencing the entry parent's rows that became descendants last round.
            var parent = source.DerivedParent!;
            var on = string.Join(" AND ", entry.Columns.Zip(entry.ParentColumns, (c, pc) => $"t.{Identifier.Quote(c)} = {parent.Stored("s", pc)}"));
            return ($"{parent.KeyTable} s JOIN {source.Name.Sql} t ON {on}", $"s.{Round} = {roundParam} AND s.{Descendant}", c => "t." + Identifier.Quote(c));
        }
        var where = $"s.{Round} = {roundParam}" + (descendantsOnly ? $" AND s.{Descendant}" : "");
        return ($"{source.KeyTable} s", where, c => source.Stored("s", c));
    }

    /// <summary>
    /// Parent step: the rows referenced through <paramref name="fk"/> by rows of the child table added in the
    /// previous round. Parents are added as non-descendants. Not generated when the parent table is complete.
    /// Each parent row comes out once (distinct FK values, a unique referenced key) and rows already in the key
    /// table are filtered out, so a plain INSERT suffices: ON CONFLICT would double the cost of the insert.
    /// </summary>
    public static string ParentStep(ForeignKeyInfo fk, PlannedTable child, PlannedTable parent, string roundParam)
    {
        if (child.All)
        {
            // Every child row is exported: the parents are those referenced at all. A semi-join from the parent
            // side lets the planner probe the child's FK index per parent instead of de-duplicating the whole
            // child table (a complete table is typically the big one).
            return $"{InsertInto(parent)}\nSELECT {string.Join(", ", parent.RowValues("p"))}, false, {roundParam}::int + 1\n" +
                   $"FROM {parent.Name.Sql} p\nWHERE {ReferencedByCompleteChild(fk)}\n  AND {NotIn(parent, parent.KeyExpressions("p"))}";
        }
        var (from, where, col) = SourceRows(child, descendantsOnly: false, roundParam);
        var notNull = string.Join(" AND ", fk.Columns.Select(c => $"{col(c)} IS NOT NULL"));
        // Distinct referenced values, minus rows already in the set (compared before looking them up when the FK
        // points at the key, else after the join), joined to the parent for its whole row.
        var on = string.Join(" AND ", fk.Columns.Zip(fk.ParentColumns, (c, pc) => $"p.{Identifier.Quote(pc)} = r.v{IndexOf(fk.Columns, c)}"));
        var distinct = string.Join(", ", fk.Columns.Select((c, i) => $"{col(c)} AS v{i}"));
        var known = !parent.UsesCtid && SameColumns(fk.ParentColumns, parent.KeyColumns!)
            ? $" AND {NotIn(parent, parent.KeyColumns!.Select(k => col(fk.Columns[IndexOf(fk.ParentColumns, k)])).ToList())}"
            : "";
        return $"{InsertInto(parent)}\nSELECT {string.Join(", ", parent.RowValues("p"))}, false, {roundParam}::int + 1\n" +
               $"FROM (SELECT DISTINCT {distinct} FROM {from} WHERE {where} AND {notNull}{known}) r\nJOIN {parent.Name.Sql} p ON {on}" +
               (known.Length == 0 ? $"\nWHERE {NotIn(parent, parent.KeyExpressions("p"))}" : "");
    }

    /// <summary>Parent rows (alias <c>p</c>) referenced through <paramref name="fk"/> by some row of its (complete) child table.</summary>
    public static string ReferencedByCompleteChild(ForeignKeyInfo fk) =>
        $"EXISTS (SELECT 1 FROM {fk.Child.Sql} t WHERE " +
        string.Join(" AND ", fk.Columns.Zip(fk.ParentColumns, (c, pc) => $"t.{Identifier.Quote(c)} = p.{Identifier.Quote(pc)}")) + ")";

    /// <summary>
    /// The one step of a table reached only as a parent of complete tables (<see cref="PlannedTable.FromCompleteTablesOnly"/>):
    /// the rows any of them references, in one statement (a row referenced by the first table is not looked up
    /// in the others) into a key table without unique index.
    /// </summary>
    public static string ParentOfCompleteTablesStep(PlannedTable parent, IReadOnlyList<ForeignKeyInfo> fks, string roundParam) =>
        $"{InsertInto(parent)}\nSELECT {string.Join(", ", parent.RowValues("p"))}, false, {roundParam}::int + 1\n" +
        $"FROM {parent.Name.Sql} p\nWHERE {ReferencedByCompleteTables(fks)}";

    /// <summary>Rows of the parent (alias <c>p</c>) that any of the complete child tables references through <paramref name="fks"/>.</summary>
    public static string ReferencedByCompleteTables(IReadOnlyList<ForeignKeyInfo> fks) =>
        string.Join("\n   OR ", fks.Select((fk, i) =>
            $"EXISTS (SELECT 1 FROM {fk.Child.Sql} t{i} WHERE " +
            string.Join(" AND ", fk.Columns.Zip(fk.ParentColumns, (c, pc) => $"t{i}.{Identifier.Quote(c)} = p.{Identifier.Quote(pc)}")) + ")"));

    /// <summary>
    /// Child step: rows of the child table referencing, through <paramref name="fk"/>, descendant rows of the
    /// parent table added in the previous round. They become descendants (promoting rows first added as parents).
    /// </summary>
    public static string ChildStep(ForeignKeyInfo fk, PlannedTable parent, PlannedTable child, string roundParam)
    {
        var (childRows, values, insert, fresh, conflict) = ChildTarget(child);
        if (parent.All)
            return $"{insert}SELECT {string.Join(", ", values)}, true, {roundParam}::int + 1\nFROM {childRows}\nWHERE {ReferencesCompleteParent(fk)}{fresh}{conflict}";
        var (from, where, col) = SourceRows(parent, descendantsOnly: true, roundParam);
        var on = string.Join(" AND ", fk.Columns.Zip(fk.ParentColumns, (c, pc) => $"c.{Identifier.Quote(c)} = {col(pc)}"));
        return $"{insert}SELECT {string.Join(", ", values)}, true, {roundParam}::int + 1\nFROM {from}\nJOIN {childRows} ON {on}\nWHERE {where}{fresh}{conflict}";
    }

    /// <summary>
    /// Child rows (alias <c>c</c>) referencing a row of a complete parent: every row whose FK is set. Not so for an FK
    /// declared on some partitions only: rows of the others must match a parent row.
    /// </summary>
    public static string ReferencesCompleteParent(ForeignKeyInfo fk) => fk.Partial
        ? $"EXISTS (SELECT 1 FROM {fk.Parent.Sql} p WHERE " +
          string.Join(" AND ", fk.Columns.Zip(fk.ParentColumns, (c, pc) => $"p.{Identifier.Quote(pc)} = c.{Identifier.Quote(c)}")) + ")"
        : string.Join(" AND ", fk.Columns.Select(c => $"c.{Identifier.Quote(c)} IS NOT NULL"));

    /// <summary>
    /// A key array probes the child's index when there are at most one key per this many estimated child rows.
    /// Measured on the benchmark schema: one index scan over a sorted array of 100 k keys still beats hashing a
    /// 400 k-row table; with a key for every few rows a hash join wins.
    /// </summary>
    public const double ChildRowsPerKeyForArrayProbe = 4;

    /// <summary>An indexed one-column FK with the same type on both sides (so the comparison is the index's own operator).</summary>
    public static bool CanProbeByKeys(ForeignKeyInfo fk, PlannedTable parent, PlannedTable child) =>
        fk.Columns.Count == 1 && child.Info.HasIndexOn(fk.Columns) &&
        child.Info.Column(fk.Columns[0])?.Type == parent.Info.Column(fk.ParentColumns[0])?.Type;

    /// <summary>
    /// A child step for a new parent set that is small next to the child table, along an indexed one-column FK:
    /// <c>fk = ANY (ARRAY (SELECT new parent keys))</c>. One index scan walks the sorted key array, which costs about
    /// half of a nested loop over the same index, and far less than hashing the whole child table.
    /// Null when the step does not qualify (see <see cref="ClosureRunner"/> for when it is used).
    /// </summary>
    public static string? ChildStepByKeys(ForeignKeyInfo fk, PlannedTable parent, PlannedTable child, string roundParam)
    {
        if (parent.All || child.Where is not null || !CanProbeByKeys(fk, parent, child)) return null;
        var (childRows, values, insert, fresh, conflict) = ChildTarget(child);
        var (from, where, col) = SourceRows(parent, descendantsOnly: true, roundParam);
        return $"{insert}SELECT {string.Join(", ", values)}, true, {roundParam}::int + 1\nFROM {childRows}\n" +
               $"WHERE c.{Identifier.Quote(fk.Columns[0])} = ANY (ARRAY (SELECT {col(fk.ParentColumns[0])} FROM {from} WHERE {where})){fresh}{conflict}";
    }

    /// <summary>
    /// Several child steps into the same table in one round, along FKs no index can look up: one scan of the
    /// child table tests every FK (<c>fk1 IN (...) OR fk2 IN (...)</c>) where separate steps would scan it once each
    /// (typically audit columns such as <c>created_by</c> next to the indexed owner FK).
    /// </summary>
    public static string MergedChildStep(IReadOnlyList<(ForeignKeyInfo Fk, PlannedTable Parent)> edges, PlannedTable child, string roundParam)
    {
        var (childRows, values, insert, fresh, conflict) = ChildTarget(child);
        var tests = edges.Select(e =>
        {
            var (from, where, col) = SourceRows(e.Parent, descendantsOnly: true, roundParam);
            return $"({string.Join(", ", e.Fk.Columns.Select(c => "c." + Identifier.Quote(c)))}) IN " +
                   $"(SELECT {string.Join(", ", e.Fk.ParentColumns.Select(col))} FROM {from} WHERE {where})";
        });
        return $"{insert}SELECT {string.Join(", ", values)}, true, {roundParam}::int + 1\nFROM {childRows}\n" +
               $"WHERE ({string.Join("\n   OR ", tests)}){fresh}{conflict}";
    }

    /// <summary>What every child step into <paramref name="child"/> shares: the rows read, the values stored, the insert.</summary>
    private static (string ChildRows, IReadOnlyList<string> Values, string Insert, string Fresh, string Conflict) ChildTarget(PlannedTable child)
    {
        var childRows = ChildRows(child);
        var ctidRows = child.UsesCtid && child.Where is not null;
        var values = ctidRows
            ? DerivedKeyColumns.Concat(child.Payload.Select(p => "c." + Identifier.Quote(p))).ToList()
            : child.RowValues("c");
        // The key of each row, in key-table column order (a whole-row key table stores the key wherever the table
        // has it, not in its first columns).
        var keyValues = ctidRows ? values.Take(2).ToList() : child.KeyExpressions("c");
        // Each child row comes out once per step (it references one parent row). A single-entry table's rows
        // come from one step only: a plain insert. Otherwise rows already in the key table are skipped first (a
        // probe costs far less than conflict handling), and where parent steps may have added a row as a parent
        // only, ON CONFLICT promotes it to a descendant.
        var fresh = child.SingleEntry ? "" : $" AND {NotIn(child, keyValues, descendantsOnly: child.ReachedByParentSteps)}";
        var conflict = child.SingleEntry || !child.ReachedByParentSteps
            ? ""
            : $"\nON CONFLICT ({string.Join(", ", child.KeyTableColumns)}) DO UPDATE SET {Descendant} = true, {Round} = EXCLUDED.{Round} WHERE NOT k.{Descendant}";
        return (childRows, values, InsertInto(child, "k") + "\n", fresh, conflict);
    }

    /// <summary>
    /// The rows a child step reads, aliased <c>c</c>: the table, or with a where rule the rows it keeps (a keyless
    /// table's then carry their <c>tableoid</c> and <c>ctid</c> as <c>pgseed_tableoid</c>, <c>pgseed_ctid</c>).
    /// </summary>
    public static string ChildRows(PlannedTable child) => child.Where is null
        ? $"{child.Name.Sql} c"
        : $"(SELECT pgseed_w.tableoid AS pgseed_tableoid, pgseed_w.ctid AS pgseed_ctid, * FROM {child.Name.Sql} pgseed_w WHERE {child.Where}) c";

    /// <summary>
    /// Statistics for a key table, on the columns steps join and filter on only (its key, the columns later steps
    /// read, the descendant flag and the round): a whole-row table would otherwise pay for statistics on every
    /// column. The row count comes with any ANALYZE.
    /// </summary>
    public static string Analyze(PlannedTable t)
    {
        var payload = t.Wide ? t.Payload.Select(Identifier.Quote) : t.PayloadTableColumns;
        return $"ANALYZE {t.KeyTable} ({string.Join(", ", t.KeyTableColumns.Concat(payload).Append(Descendant).Append(Round))})";
    }

    /// <summary>
    /// The COPY that writes one table's CSV: exported columns (with transforms) of its exported rows, given as the text after FROM (alias <c>t</c>, see <see cref="ExportedRows"/>).
    /// Sorted by key unless <paramref name="ordered"/> is false (a database-to-database copy needs no order).
    /// </summary>
    public static string CopyOut(PlannedTable t, string rows, bool ordered = true)
    {
        var columns = t.ExportColumns.Select(c => t.Transforms.TryGetValue(c.Name, out var expr)
            ? $"({expr}) AS {Identifier.Quote(c.Name)}"
            : "t." + Identifier.Quote(c.Name));
        var order = t.UsesCtid
            ? "(t.*)::text COLLATE \"C\""
            : string.Join(", ", t.KeyColumns!.Select(c => "t." + Identifier.Quote(c)));
        return $"COPY (SELECT {string.Join(", ", columns)} FROM {rows}{(ordered ? " ORDER BY " + order : "")}) TO STDOUT (FORMAT csv, HEADER true)";
    }

    /// <summary>
    /// The exported rows of <paramref name="t"/> under <paramref name="alias"/>, as the text after FROM (it may end
    /// in a WHERE clause): the whole table, its join with its key table, or for a derived table the rows referencing
    /// the entry parent's descendants. <paramref name="keyTable"/> replaces the key table (a parallel worker's copy;
    /// for a derived table it holds the referenced values, pgseed_k0..).
    /// </summary>
    public static string ExportedRows(PlannedTable t, string alias, string? keyTable = null, bool byKeys = false)
    {
        if (t.All) return $"{t.Name.Sql} {alias}";
        if (t.Wide) return $"{t.KeyTable} {alias}";
        if (t.DerivedFrom is { } entry)
        {
            var columns = string.Join(", ", entry.Columns.Select(c => $"{alias}.{Identifier.Quote(c)}"));
            var keys = keyTable is not null
                ? $"SELECT {string.Join(", ", entry.ParentColumns.Select((_, i) => $"pgseed_k{i}"))} FROM {keyTable}"
                : DerivedKeys(t);
            // byKeys: few parent keys next to the table's rows, probe its FK index with them (see CanProbeByKeys).
            return byKeys
                ? $"{t.Name.Sql} {alias} WHERE {columns} = ANY (ARRAY ({keys}))"
                : $"{t.Name.Sql} {alias} WHERE ({columns}) IN ({keys})";
        }
        return $"{t.Name.Sql} {alias} JOIN {keyTable ?? t.KeyTable} k ON {JoinKey(t, alias, "k")}";
    }

    /// <summary>For a derived table: the values its entry FK references, one row per descendant row of the entry parent.</summary>
    public static string DerivedKeys(PlannedTable t) =>
        $"SELECT {string.Join(", ", t.DerivedFrom!.ParentColumns.Select(pc => t.DerivedParent!.Stored("s", pc)))} FROM {t.DerivedParent!.KeyTable} s WHERE s.{Descendant}";

    /// <summary><c>NOT EXISTS</c> a key-table row with these key values (optionally: that already is a descendant).</summary>
    private static string NotIn(PlannedTable t, IReadOnlyList<string> keyValues, bool descendantsOnly = false) =>
        $"NOT EXISTS (SELECT 1 FROM {t.KeyTable} x WHERE " +
        string.Join(" AND ", t.KeyTableColumns.Zip(keyValues, (k, v) => $"x.{k} = {v}")) + (descendantsOnly ? $" AND x.{Descendant}" : "") + ")";

    private static string JoinKey(PlannedTable table, string rowAlias, string keyAlias) =>
        string.Join(" AND ", table.KeyExpressions(rowAlias).Zip(table.KeyTableColumns, (e, k) => $"{e} = {keyAlias}.{k}"));

    private static bool SameColumns(IReadOnlyList<string> a, IReadOnlyList<string> b) =>
        a.Count == b.Count && a.All(b.Contains);

    private static int IndexOf(IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++) if (list[i] == value) return i;
        throw new InvalidOperationException($"{value} not in list");
    }
}
