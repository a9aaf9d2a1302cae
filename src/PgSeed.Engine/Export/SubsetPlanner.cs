using PgSeed.Engine.Catalog;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Export;

/// <summary>
/// Decides, from the schema alone, which tables take part and along which FKs rows flow:
/// <list type="bullet">
/// <item>Parents, always: every FK of a participating table is followed to the rows it references.</item>
/// <item>Children, below roots only: rows referencing a descendant row (a root, or a row reached as a child)
/// are descendants too. Rows reached only as parents do not pull in their children.</item>
/// </list>
/// It also marks tables whose every row is selected (an unfiltered root and everything hanging from it by
/// mandatory FKs), which then need no key table at all.
/// </summary>
internal static class SubsetPlanner
{
    public static SubsetPlan Plan(DatabaseCatalog catalog, ExportRequest request, ISeedLog log)
    {
        if (request.Roots.Count == 0)
            throw new PgSeedException(ErrorCode.InvalidOption, $"No root table given ({OptionNames.ExportRoots}).") { Option = OptionNames.ExportRoots };

        var excludedTables = new HashSet<TableName>();
        foreach (var pattern in request.ExcludedTables)
            foreach (var t in TablePattern.Match(catalog, pattern, "excluded table"))
                excludedTables.Add(t.Name);

        AddVirtualForeignKeys(catalog, request.VirtualForeignKeys);
        var excludedEdges = ResolveExcludedEdges(catalog, request.ExcludedEdges);

        var planned = new Dictionary<TableName, PlannedTable>();
        var order = new List<PlannedTable>();
        PlannedTable Add(TableInfo info)
        {
            if (planned.TryGetValue(info.Name, out var p)) return p;
            p = new PlannedTable { Info = info, Index = order.Count, KeyColumns = info.RowKey };
            planned[info.Name] = p;
            order.Add(p);
            return p;
        }

        // Roots.
        var roots = new List<PlannedRoot>();
        foreach (var root in ExpandPatterns(catalog, request, excludedTables))
        {
            if (root.Filter is not null && root.Raw is not null)
                throw new PgSeedException(ErrorCode.FilterAndRaw, $"Root {root.Table}: {OptionNames.ExportFilter} and {OptionNames.ExportRaw} are mutually exclusive; give one.") { Table = root.Table };
            // A partition named as a root stands for its rows of the partitioned table, which is what the seed holds.
            var (partition, info) = catalog.ResolveTableOrPartition(root.Table, "root table");
            if (excludedTables.Contains(info.Name))
                throw new PgSeedException(ErrorCode.InvalidOption, $"Root table {info.Name.Display} is also excluded.") { Table = info.Name.Display };
            var selection = root with
            {
                Filter = string.IsNullOrWhiteSpace(root.Filter) ? null : FilterGuard.SingleStatement(root.Filter, "filter", info.Name.Display),
                Raw = string.IsNullOrWhiteSpace(root.Raw) ? null : FilterGuard.SingleStatement(root.Raw, "raw query", info.Name.Display),
            };
            var p = Add(info);
            p.IsRoot = true;
            p.Down = true;
            p.Reason = roots.Count == 0 ? "root" : "included";
            roots.Add(new PlannedRoot(p, selection) { Partition = partition });
            if (partition is not null) log.Detail($"root {partition.Name.Display} is a partition of {info.Name.Display}: its rows are exported as rows of {info.Name.Display}");
        }

        // Reachability: breadth-first in a fixed order, so reasons and tree parents are deterministic.
        var nulledReferences = new List<(PlannedTable Table, ForeignKeyInfo Fk)>();
        var parentEdges = new List<ForeignKeyInfo>();
        var childEdges = new List<ForeignKeyInfo>();
        var queue = new Queue<PlannedTable>(order);
        var visitedDown = new HashSet<TableName>();
        var visitedAny = new HashSet<TableName>();
        while (queue.Count > 0)
        {
            var p = queue.Dequeue();
            if (p.Down && visitedDown.Add(p.Name) && request.Children == ChildrenMode.All)
            {
                foreach (var fk in p.Info.ReferencedBy.OrderBy(f => f.Child).ThenBy(f => f.Name, StringComparer.Ordinal))
                {
                    if (excludedEdges.Contains(fk) || excludedTables.Contains(fk.Child)) continue;
                    var child = Add(catalog[fk.Child]);
                    if (!childEdges.Contains(fk)) childEdges.Add(fk);
                    // First reached as a descendant (roots already are): that is the reason worth showing,
                    // even if the table was reached as a parent before.
                    if (!child.Down)
                    {
                        child.Reason = $"child of {p.Name.Display} via {Identifier.QuoteIfNeeded(fk.Name)}";
                        child.TreeParent = p.Name;
                        child.Down = true;
                        queue.Enqueue(child);
                    }
                }
            }
            if (visitedAny.Add(p.Name))
            {
                foreach (var fk in p.Info.ForeignKeys.OrderBy(f => f.Parent).ThenBy(f => f.Name, StringComparer.Ordinal))
                {
                    if (excludedTables.Contains(fk.Parent))
                    {
                        if (!fk.Virtual && !request.KeepReferencesToExcludedTables)
                            nulledReferences.Add((p, ExcludedReference(p.Info, fk, request.NullReferencesToExcludedTables)));
                        continue;
                    }
                    var parent = Add(catalog[fk.Parent]);
                    if (!parentEdges.Contains(fk)) parentEdges.Add(fk);
                    if (parent.Reason.Length == 0)
                    {
                        parent.Reason = $"parent of {p.Name.Display} via {Identifier.QuoteIfNeeded(fk.Name)}";
                        parent.TreeParent = p.Name;
                    }
                    if (!visitedAny.Contains(parent.Name)) queue.Enqueue(parent);
                }
            }
        }

        var masks = ApplyRules(catalog, request.Rules, planned);
        foreach (var (table, fk) in nulledReferences)
        {
            // Opted in: the reference into the excluded table is exported as NULL (see ExcludedReference).
            foreach (var column in fk.Columns)
            {
                table.Transforms[column] = "NULL";
                masks[(table.Name, column)] = new Shaping.ColumnMask { Kind = Shaping.MaskKind.Null };
            }
            log.Detail($"{fk.Display} references excluded table {fk.Parent.Display}: exported as NULL");
        }
        KeyColumnGuard.Validate(planned, masks);
        MarkCompleteTables(roots, childEdges, planned);
        foreach (var t in order)
            if (!t.IsRoot && !t.All && t.Where is null && childEdges.Count(f => f.Child == t.Name) == 1 && !parentEdges.Any(f => f.Parent == t.Name))
                t.Entry = childEdges.Single(f => f.Child == t.Name);
        // A single-entry table read once (by the copy) is derived from its parent's key table; one read again (its
        // rows lead to other parents) keeps a key table, of whole rows like every keyed table (PlannedTable.Wide).
        foreach (var t in order.Where(t => t.SingleEntry))
        {
            var entry = t.Entry!;
            var readAgain = parentEdges.Any(f => f.Child == t.Name && f != entry && !planned[f.Parent].All);
            if (!readAgain && !planned[entry.Parent].All)
            {
                t.DerivedFrom = entry;
                t.DerivedParent = planned[entry.Parent];
            }
        }
        foreach (var fk in parentEdges)
            if (planned[fk.Child].Entry != fk) planned[fk.Parent].ReachedByParentSteps = true;
        foreach (var t in order)
            t.FromCompleteTablesOnly = !t.All && !t.Down && t.Where is null && parentEdges.Any(f => f.Parent == t.Name) &&
                                       parentEdges.Where(f => f.Parent == t.Name).All(f => planned[f.Child].All);
        foreach (var fk in parentEdges) AddPayload(planned[fk.Child], fk.Columns);
        foreach (var fk in childEdges) AddPayload(planned[fk.Parent], fk.ParentColumns);

        return new SubsetPlan
        {
            Tables = order,
            Roots = roots,
            ParentEdges = parentEdges,
            ChildEdges = childEdges,
            ImportOrder = ImportOrder.Sort(order.Select(t => t.Name).ToList(), parentEdges.Concat(childEdges).Distinct().ToList())
                .Select(n => planned[n]).ToList(),
        };
    }

    private static void AddPayload(PlannedTable table, IEnumerable<string> columns)
    {
        foreach (var c in columns)
            if ((table.KeyColumns is null || !table.KeyColumns.Contains(c)) && !table.Payload.Contains(c)) table.Payload.Add(c);
    }

    /// <summary>With <see cref="ExportRequest.RootPatterns"/>: each table a glob root matches (not excluded) as an unfiltered root.</summary>
    private static IEnumerable<RootSelection> ExpandPatterns(DatabaseCatalog catalog, ExportRequest request, IReadOnlySet<TableName> excluded)
    {
        foreach (var root in request.Roots)
        {
            if (!request.RootPatterns || !TablePattern.IsGlob(root.Table))
            {
                yield return root;
                continue;
            }
            if (root.Filter is not null || root.Raw is not null)
                throw new PgSeedException(ErrorCode.InvalidOption, $"'{root.Table}' names tables by a pattern: it takes no {OptionNames.ExportFilter} or {OptionNames.ExportRaw} (name one table for that).") { Table = root.Table };
            var matched = TablePattern.Match(catalog, root.Table).Where(t => !excluded.Contains(t.Name)).OrderBy(t => t.Name).ToList();
            if (matched.Count == 0)
                throw new PgSeedException(ErrorCode.TableNotFound, $"No table matches '{root.Table}' (after {OptionNames.ExportExcludedTables}).") { Table = root.Table };
            foreach (var t in matched) yield return new RootSelection { Table = t.Name.Sql };
        }
    }

    /// <summary>
    /// A table is complete (every row exported, all descendants) when it is a root without filter or
    /// raw query, or hangs from a complete table through a mandatory (all NOT NULL) FK that is followed
    /// downwards — every such row references some exported row. Table rules with a where condition opt out.
    /// </summary>
    private static void MarkCompleteTables(IReadOnlyList<PlannedRoot> roots, IReadOnlyList<ForeignKeyInfo> childEdges,
        IReadOnlyDictionary<TableName, PlannedTable> planned)
    {
        foreach (var root in roots)
            if (root.Selection.Filter is null && root.Selection.Raw is null && root.Partition is null && root.Table.Where is null)
                root.Table.All = true;
        bool changed;
        do
        {
            changed = false;
            foreach (var fk in childEdges)
            {
                var parent = planned[fk.Parent];
                var child = planned[fk.Child];
                if (parent.All && !child.All && fk.Mandatory && !fk.Virtual && child.Where is null)
                {
                    child.All = true;
                    changed = true;
                }
            }
        } while (changed);
    }

    /// <summary>
    /// An FK from an exported table into an excluded one: the seed would not import, so it is an error unless
    /// every FK column is nullable and the user opted in to exporting it as NULL.
    /// </summary>
    private static ForeignKeyInfo ExcludedReference(TableInfo child, ForeignKeyInfo fk, bool nullAllowed)
    {
        var nullable = fk.Columns.All(c => child.Column(c)?.NotNull == false);
        if (nullable && nullAllowed) return fk;
        throw new PgSeedException(ErrorCode.ExcludedTableReferenced,
            $"{child.Name.Display} is exported but its foreign key {fk.Display} references excluded table {fk.Parent.Display}, so the seed would not import. " +
            (nullable
                ? "Its columns are nullable: opt in to exporting them as NULL (\"nullExcludedReferences\": true), or stop excluding the table."
                : "Its columns are NOT NULL: stop excluding the table, or exclude the referencing table too."))
            { Table = child.Name.Display, Column = string.Join(", ", fk.Columns) };
    }

    private static Dictionary<(TableName, string), Shaping.ColumnMask> ApplyRules(DatabaseCatalog catalog, IReadOnlyList<TableRule> rules,
        IReadOnlyDictionary<TableName, PlannedTable> planned)
    {
        var masks = new Dictionary<(TableName, string), Shaping.ColumnMask>();
        for (var ruleIndex = 0; ruleIndex < rules.Count; ruleIndex++)
        {
            var rule = rules[ruleIndex];
            foreach (var info in TablePattern.Match(catalog, rule.Table, "table in a rule"))
            {
                if (!planned.TryGetValue(info.Name, out var p)) continue;
                if (!string.IsNullOrWhiteSpace(rule.Where) || rule.Conditions.Count > 0)
                {
                    var (structured, structuredParameters) = Shaping.WhereSql.Build(info, rule.Conditions, $"pgseed_w{ruleIndex}_");
                    var where = string.IsNullOrWhiteSpace(rule.Where)
                        ? structured
                        : rule.Conditions.Count == 0
                            ? FilterGuard.SingleStatement(rule.Where, "where rule", info.Name.Display)
                            : $"({FilterGuard.SingleStatement(rule.Where, "where rule", info.Name.Display)}) AND {structured}";
                    p.Where = p.Where is null ? where : $"({p.Where}) AND ({where})";
                    var merged = new Dictionary<string, object?>(p.WhereParameters);
                    foreach (var kv in rule.WhereParameters) merged[kv.Key] = kv.Value;
                    foreach (var kv in structuredParameters) merged[kv.Key] = kv.Value;
                    p.WhereParameters = merged;
                }
                foreach (var (column, mask) in rule.Masks)
                {
                    var c = info.Column(column) ?? throw new PgSeedException(ErrorCode.RuleInvalid,
                        $"Mask for {info.Name.Display}.{column}: the table has no such column.") { Table = info.Name.Display, Column = column };
                    p.Transforms[column] = Shaping.MaskSql.Expression(mask, info, c);
                    masks[(info.Name, column)] = mask;
                }
                foreach (var (column, expression) in rule.Transforms)
                {
                    if (info.Column(column) is null)
                        throw new PgSeedException(ErrorCode.RuleInvalid, $"Transform for {info.Name.Display}.{column}: the table has no such column.") { Table = info.Name.Display, Column = column };
                    p.Transforms[column] = expression;
                    masks.Remove((info.Name, column));
                }
                foreach (var column in rule.Omit)
                {
                    var c = info.Column(column) ?? throw new PgSeedException(ErrorCode.RuleInvalid,
                        $"Omit {info.Name.Display}.{column}: the table has no such column.") { Table = info.Name.Display, Column = column };
                    if (!c.CanBeOmitted)
                        throw new PgSeedException(ErrorCode.RuleInvalid,
                            $"Cannot omit {info.Name.Display}.{column}: it is NOT NULL without a default, so the seed could not be imported.") { Table = info.Name.Display, Column = column };
                    p.Omitted.Add(column);
                }
            }
        }
        return masks;
    }

    private static void AddVirtualForeignKeys(DatabaseCatalog catalog, IReadOnlyList<VirtualForeignKey> virtuals)
    {
        foreach (var v in virtuals)
        {
            var child = catalog.Resolve(v.Table, "virtual FK table");
            var parent = catalog.Resolve(v.References, "virtual FK referenced table");
            if (v.Columns.Count == 0 || v.Columns.Count != v.ReferencedColumns.Count)
                throw new PgSeedException(ErrorCode.RuleInvalid, $"Virtual FK {child.Name.Display} -> {parent.Name.Display}: give the same number of columns on both sides.") { Table = child.Name.Display };
            foreach (var c in v.Columns)
                if (child.Column(c) is null) throw new PgSeedException(ErrorCode.RuleInvalid, $"Virtual FK: {child.Name.Display} has no column {c}.") { Table = child.Name.Display, Column = c };
            foreach (var c in v.ReferencedColumns)
                if (parent.Column(c) is null) throw new PgSeedException(ErrorCode.RuleInvalid, $"Virtual FK: {parent.Name.Display} has no column {c}.") { Table = parent.Name.Display, Column = c };
            var fk = new ForeignKeyInfo
            {
                Name = v.Name ?? $"virtual_{child.Name.Name}_{string.Join("_", v.Columns)}",
                Child = child.Name,
                Columns = v.Columns,
                Parent = parent.Name,
                ParentColumns = v.ReferencedColumns,
                Definition = "",
                Virtual = true,
                Mandatory = v.Columns.All(c => child.Column(c)!.NotNull),
            };
            child.ForeignKeys.Add(fk);
            parent.ReferencedBy.Add(fk);
        }
    }

    /// <summary>Resolves <c>[schema.]table.fk_name</c> (quoted parts allowed).</summary>
    private static HashSet<ForeignKeyInfo> ResolveExcludedEdges(DatabaseCatalog catalog, IReadOnlyList<string> edges)
    {
        var result = new HashSet<ForeignKeyInfo>();
        foreach (var edge in edges)
        {
            IReadOnlyList<(string Name, bool Quoted)> parts;
            try { parts = Identifier.ParseQualified(edge, maxParts: 3); }
            catch (FormatException e) { throw new PgSeedException(ErrorCode.UnknownForeignKey, $"{OptionNames.ExportExcludedEdges} '{edge}': {e.Message}"); }
            if (parts.Count < 2)
                throw new PgSeedException(ErrorCode.UnknownForeignKey, $"{OptionNames.ExportExcludedEdges} '{edge}': expected CHILD_TABLE.FK_NAME (e.g. public.order.order_customer_id_fkey).");
            var tableText = string.Join(".", parts.Take(parts.Count - 1).Select(p => p.Quoted ? Identifier.Quote(p.Name) : p.Name));
            // An FK declared on a partition may be named by the partition or by its partitioned table.
            var (_, table) = catalog.ResolveTableOrPartition(tableText, OptionNames.ExportExcludedEdges + " table");
            var (fkName, quoted) = parts[^1];
            var fk = table.ForeignKeys.FirstOrDefault(f => f.Constraints.Any(c => c.Name == fkName))
                     ?? (quoted ? null : table.ForeignKeys.FirstOrDefault(f => f.Constraints.Any(c => string.Equals(c.Name, fkName, StringComparison.OrdinalIgnoreCase))));
            if (fk is null)
                throw new PgSeedException(ErrorCode.UnknownForeignKey,
                    $"{OptionNames.ExportExcludedEdges} '{edge}': {table.Name.Display} has no foreign key named {fkName}.{NameSuggestions.Hint(fkName, table.ForeignKeys.Select(f => f.Name))} Its foreign keys: " +
                    (table.ForeignKeys.Count == 0 ? "none" : string.Join(", ", table.ForeignKeys.Select(f => f.Name)))) { Table = table.Name.Display };
            result.Add(fk);
        }
        return result;
    }
}
