using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Catalog;

/// <summary>The tables, columns, keys and foreign keys of one database, as read by <see cref="CatalogReader"/>.</summary>
public sealed class DatabaseCatalog
{
    private readonly Dictionary<TableName, TableInfo> _tables;

    public DatabaseCatalog(IEnumerable<TableInfo> tables, IReadOnlyList<ForeignKeyInfo> foreignKeys,
        int serverVersionNum, IReadOnlyList<string> searchPath)
    {
        _tables = tables.ToDictionary(t => t.Name);
        ServerVersionNum = serverVersionNum;
        SearchPath = searchPath;
        var kept = new List<ForeignKeyInfo>();
        foreach (var fk in foreignKeys)
        {
            if (!_tables.TryGetValue(fk.Child, out var child) || !_tables.TryGetValue(fk.Parent, out var parent)) continue;
            child.ForeignKeys.Add(fk);
            parent.ReferencedBy.Add(fk);
            kept.Add(fk);
        }
        ForeignKeys = kept;
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

        var candidates = _tables.Values
            .Where(t => schemaPart is null || NameMatches(t.Name.Schema, schemaPart.Value.Name, schemaPart.Value.Quoted) > 0)
            .Select(t => (Table: t, Score: NameMatches(t.Name.Name, tablePart, tableQuoted)))
            .Where(x => x.Score > 0)
            .ToList();
        if (candidates.Count == 0)
            throw new PgSeedException(ErrorCode.TableNotFound, $"{Capitalize(what)} '{text}' was not found in the database." + Suggest(text, tablePart, schemaPart is not null)) { Table = text };

        var best = candidates.Max(c => c.Score);
        var top = candidates.Where(c => c.Score == best).Select(c => c.Table).ToList();
        if (top.Count > 1 && schemaPart is null)
        {
            // Follow the search path like PostgreSQL does for an unqualified name.
            foreach (var schema in SearchPath)
            {
                var inPath = top.Where(t => t.Name.Schema == schema).ToList();
                if (inPath.Count == 1) return inPath[0];
            }
        }
        if (top.Count > 1)
            throw new PgSeedException(ErrorCode.AmbiguousTable,
                $"{Capitalize(what)} '{text}' is ambiguous: {string.Join(", ", top.Select(t => t.Name.Display))}. Qualify it with a schema.") { Table = text };
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
        if (actual == typed.ToLowerInvariant()) return 2;
        return string.Equals(actual, typed, StringComparison.OrdinalIgnoreCase) ? 1 : 0;
    }

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
