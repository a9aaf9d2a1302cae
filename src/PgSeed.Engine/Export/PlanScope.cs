using PgSeed.Engine.Catalog;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Export;

/// <summary>
/// Planning, before the first step: what the request names, resolved against the catalog — the excluded tables and
/// edges, and the roots (globs expanded, partitions resolved to their partitioned table, filters checked to be one
/// statement). Virtual FKs are added to the catalog here (once, however often it is planned), so every later step sees them as FKs.
/// </summary>
internal sealed record PlanScope(IReadOnlySet<TableName> ExcludedTables, IReadOnlySet<ForeignKeyInfo> ExcludedEdges, IReadOnlyList<ScopedRoot> Roots)
{
    public static PlanScope Resolve(DatabaseCatalog catalog, ExportRequest request, ISeedLog log)
    {
        if (request.Roots.Count == 0)
            throw new PgSeedException(ErrorCode.InvalidOption, $"No root table given ({OptionNames.ExportRoots}).") { Option = OptionNames.ExportRoots };

        var excludedTables = new HashSet<TableName>();
        foreach (var pattern in request.ExcludedTables)
            foreach (var t in TablePattern.Match(catalog, pattern, "excluded table"))
                excludedTables.Add(t.Name);

        AddVirtualForeignKeys(catalog, request.VirtualForeignKeys);
        var excludedEdges = ResolveExcludedEdges(catalog, request.ExcludedEdges);

        var roots = new List<ScopedRoot>();
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
            roots.Add(new ScopedRoot(info, selection, partition, Included: roots.Count > 0));
            if (partition is not null) log.Detail($"root {partition.Name.Display} is a partition of {info.Name.Display}: its rows are exported as rows of {info.Name.Display}");
        }
        return new PlanScope(excludedTables, excludedEdges, roots);
    }

    /// <summary>With <see cref="ExportRequest.RootPatterns"/>: each table a glob root matches (not excluded) as an unfiltered root.</summary>
    private static IEnumerable<RootSelection> ExpandPatterns(DatabaseCatalog catalog, ExportRequest request, HashSet<TableName> excluded)
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
            // Planning again on the same catalog object (a caller that reuses one) must not add the edge twice.
            if (child.ForeignKeys.Any(f => f.Virtual && f.Parent == parent.Name && f.Columns.SequenceEqual(v.Columns) && f.ParentColumns.SequenceEqual(v.ReferencedColumns)))
                continue;
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
            var tableText = Identifier.QualifierOf(parts);
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

/// <summary>A root as the request names it, resolved: the table the seed holds its rows in, and how they are selected.</summary>
/// <param name="Table">The table (for a partition named as the root: its partitioned table).</param>
/// <param name="Selection">The filter or raw query, blank ones dropped, each checked to be one statement.</param>
/// <param name="Partition">The partition the user named, if any.</param>
/// <param name="Included">Not the first root (an <c>--include</c>): what the plan gives as the table's reason.</param>
internal sealed record ScopedRoot(TableInfo Table, RootSelection Selection, PartitionInfo? Partition, bool Included)
{
    /// <summary>Every row of the table is a root: no filter, no raw query, not a partition's rows only.</summary>
    public bool Unfiltered => Selection.Filter is null && Selection.Raw is null && Partition is null;
}
