using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Catalog;

/// <summary>The tables, columns, keys and foreign keys of one database, as read by <see cref="CatalogReader"/>.</summary>
internal sealed class DatabaseCatalog
{
    private readonly Dictionary<TableName, TableInfo> _tables;

    public DatabaseCatalog(IEnumerable<TableInfo> tables, IReadOnlyList<ForeignKeyInfo> foreignKeys,
        int serverVersionNum, IReadOnlyList<string> searchPath)
    {
        _tables = tables.ToDictionary(t => t.Name);
        foreach (var t in _tables.Values)
            foreach (var p in t.Partitions) _partitions[p.Name] = (p, t);
        ServerVersionNum = serverVersionNum;
        SearchPath = searchPath;
        var kept = new List<ForeignKeyInfo>();
        foreach (var fk in MergePartitionConstraints(foreignKeys))
        {
            if (!_tables.TryGetValue(fk.Child, out var child) || !_tables.TryGetValue(fk.Parent, out var parent)) continue;
            child.ForeignKeys.Add(fk);
            parent.ReferencedBy.Add(fk);
            kept.Add(fk);
        }
        ForeignKeys = kept;
    }

    /// <summary>
    /// The same FK declared on several partitions of one partitioned table (one constraint per partition, as schemas
    /// from before PostgreSQL 11 have them) is one FK of the partitioned table: the export follows it once, for every
    /// row; <see cref="ForeignKeyInfo.Constraints"/> keeps each constraint for the import. An FK that not every leaf
    /// partition declares is <see cref="ForeignKeyInfo.Partial"/>.
    /// </summary>
    private IEnumerable<ForeignKeyInfo> MergePartitionConstraints(IReadOnlyList<ForeignKeyInfo> foreignKeys)
    {
        var groups = foreignKeys.Where(f => f.DeclaredOn is not null)
            .GroupBy(f => (f.Child, Columns: string.Join("\u0001", f.Columns), f.Parent, ParentColumns: string.Join("\u0001", f.ParentColumns)))
            .ToDictionary(g => g.First(), g => g.ToList());
        foreach (var fk in foreignKeys)
        {
            if (fk.DeclaredOn is null)
            {
                yield return fk;
                continue;
            }
            if (!groups.TryGetValue(fk, out var group)) continue; // merged into the group's first constraint
            if (!_tables.TryGetValue(fk.Child, out var child)) continue;
            var covered = group.SelectMany(c => LeavesUnder(child, c.DeclaredOn!.Value)).ToHashSet();
            var partial = child.LeafPartitions.Any(l => !covered.Contains(l.Name));
            yield return fk with
            {
                Constraints = group,
                Partial = partial,
                Mandatory = !partial && group.All(c => c.Mandatory),
                Deferrable = group.All(c => c.Deferrable),
                InitiallyDeferred = group.All(c => c.InitiallyDeferred),
            };
        }
    }

    /// <summary>The leaf partitions at or below <paramref name="partition"/> of <paramref name="table"/>.</summary>
    private static IEnumerable<TableName> LeavesUnder(TableInfo table, TableName partition)
    {
        var below = new HashSet<TableName> { partition };
        foreach (var p in table.Partitions) // parents come before their own partitions
            if (below.Contains(p.Parent)) below.Add(p.Name);
        return table.LeafPartitions.Where(l => below.Contains(l.Name)).Select(l => l.Name);
    }

    private readonly Dictionary<TableName, (PartitionInfo Partition, TableInfo Table)> _partitions = new();

    /// <summary>The partitioned table (top of the tree) a partition belongs to, when <paramref name="name"/> is a partition.</summary>
    public bool TryGetPartition(TableName name, out PartitionInfo partition, out TableInfo table)
    {
        var found = _partitions.TryGetValue(name, out var p);
        (partition, table) = found ? p : (null!, null!);
        return found;
    }

    /// <summary>Every user table, ordered by schema then name.</summary>
    public IEnumerable<TableInfo> Tables => _tables.Values.OrderBy(t => t.Name);

    public IReadOnlyList<ForeignKeyInfo> ForeignKeys { get; }

    /// <summary><c>server_version_num</c>, e.g. 150018.</summary>
    public int ServerVersionNum { get; }

    public int ServerMajorVersion => ServerVersionNum / 10000;

    /// <summary>Schemas of the session's search path, in order (used to resolve unqualified names).</summary>
    public IReadOnlyList<string> SearchPath { get; }

    public bool TryGet(TableName name, out TableInfo table) => _tables.TryGetValue(name, out table!);

    public TableInfo this[TableName name] => _tables[name];

    /// <summary>
    /// Resolves what a user typed (<c>Order</c>, <c>public.order</c>, <c>"MyTable"</c>, <c>sales."Order"</c>).
    /// Quoted parts match exactly. Unquoted parts match exactly, then as PostgreSQL folds them (lower case),
    /// then case-insensitively when that is unambiguous. Unqualified names follow the search path.
    /// </summary>
    public TableInfo Resolve(string text, string what = "table")
    {
        IReadOnlyList<(string Name, bool Quoted)> parts;
        try { parts = Identifier.ParseQualified(text); }
        catch (FormatException e) { throw new PgSeedException(ErrorCode.TableNotFound, $"Bad {what} name '{text}': {e.Message}"); }

        var (tablePart, tableQuoted) = parts[^1];
        (string Name, bool Quoted)? schemaPart = parts.Count == 2 ? parts[0] : null;

        var found = Find(_tables.Keys, text, what, tablePart, tableQuoted, schemaPart);
        if (found is { } name) return _tables[name];
        if (Find(_partitions.Keys, text, what, tablePart, tableQuoted, schemaPart) is { } partition)
            throw new PgSeedException(ErrorCode.TableNotFound,
                $"{Capitalize(what)} '{text}' is a partition of {_partitions[partition].Table.Name.Display}: PgSeed reads and writes partitioned tables " +
                $"as a whole. Name {_partitions[partition].Table.Name.Display} instead.") { Table = text };
        throw new PgSeedException(ErrorCode.TableNotFound, $"{Capitalize(what)} '{text}' was not found in the database." + Suggest(text, tablePart, schemaPart is not null)) { Table = text };
    }

    /// <summary>
    /// Resolves a name that may be a partition: returns the partition (or null when <paramref name="text"/> names a
    /// table) and the table that PgSeed exports for it.
    /// </summary>
    public (PartitionInfo? Partition, TableInfo Table) ResolveTableOrPartition(string text, string what = "table")
    {
        IReadOnlyList<(string Name, bool Quoted)> parts;
        try { parts = Identifier.ParseQualified(text); }
        catch (FormatException e) { throw new PgSeedException(ErrorCode.TableNotFound, $"Bad {what} name '{text}': {e.Message}"); }
        (string Name, bool Quoted)? schemaPart = parts.Count == 2 ? parts[0] : null;
        if (Find(_tables.Keys, text, what, parts[^1].Name, parts[^1].Quoted, schemaPart) is null &&
            Find(_partitions.Keys, text, what, parts[^1].Name, parts[^1].Quoted, schemaPart) is { } partition)
            return (_partitions[partition].Partition, _partitions[partition].Table);
        return (null, Resolve(text, what));
    }

    /// <summary>The best match among <paramref name="names"/>, or null when none matches (ambiguity is an error).</summary>
    private TableName? Find(IEnumerable<TableName> names, string text, string what, string tablePart, bool tableQuoted, (string Name, bool Quoted)? schemaPart)
    {
        var candidates = names
            .Where(t => schemaPart is null || NameMatches(t.Schema, schemaPart.Value.Name, schemaPart.Value.Quoted) > 0)
            .Select(t => (Table: t, Score: NameMatches(t.Name, tablePart, tableQuoted)))
            .Where(x => x.Score > 0)
            .ToList();
        if (candidates.Count == 0) return null;

        var best = candidates.Max(c => c.Score);
        var top = candidates.Where(c => c.Score == best).Select(c => c.Table).ToList();
        if (top.Count > 1 && schemaPart is null)
        {
            // Follow the search path like PostgreSQL does for an unqualified name.
            foreach (var schema in SearchPath)
            {
                var inPath = top.Where(t => t.Schema == schema).ToList();
                if (inPath.Count == 1) return inPath[0];
            }
        }
        if (top.Count > 1)
            throw new PgSeedException(ErrorCode.AmbiguousTable,
                $"{Capitalize(what)} '{text}' is ambiguous: {string.Join(", ", top.Select(t => t.Display))}. Qualify it with a schema.") { Table = text };
        return top[0];
    }

    /// <summary>" Did you mean …?" with the closest tables: by table name, or by qualified name when the user gave a schema.</summary>
    private string Suggest(string text, string tablePart, bool qualified) =>
        NameSuggestions.Hint(qualified ? text : tablePart, _tables.Keys.Order().Select(n => (qualified ? $"{n.Schema}.{n.Name}" : n.Name, n.Display)));

    // 3 = exact, 2 = PostgreSQL case folding, 1 = case-insensitive, 0 = no match.
    private static int NameMatches(string actual, string typed, bool quoted)
    {
        if (actual == typed) return 3;
        if (quoted) return 0;
#pragma warning disable CA1862 // Not a case-insensitive comparison: an exact match with the name as PostgreSQL folds it.
        if (actual == typed.ToLowerInvariant()) return 2;
#pragma warning restore CA1862
        return string.Equals(actual, typed, StringComparison.OrdinalIgnoreCase) ? 1 : 0;
    }

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
