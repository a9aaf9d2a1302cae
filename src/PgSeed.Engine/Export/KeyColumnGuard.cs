using PgSeed.Engine.Catalog;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Shaping;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Export;

/// <summary>
/// Refuses transforms and omissions that would break keys or foreign keys in the seed. A key, unique or
/// foreign-key column may only be masked with <see cref="MaskKind.Hash"/>, with the same salt and type on
/// both sides of every foreign key touching it (so masked references still point at masked keys); a
/// nullable referencing column may also be nulled. Such columns may not be omitted either, except a
/// nullable referencing column without a default (the import then leaves the reference empty).
/// </summary>
internal static class KeyColumnGuard
{
    public static void Validate(IReadOnlyDictionary<TableName, PlannedTable> planned, IReadOnlyDictionary<(TableName Table, string Column), ColumnMask> masks)
    {
        var tables = planned.Values.OrderBy(p => p.Name).ToList();
        foreach (var p in tables) ValidateColumns(p, planned, masks);
        foreach (var p in tables) ValidateForeignKeys(p, planned, masks);
    }

    /// <summary>
    /// Row keys and referenced columns take only the hash masker; referencing columns also the null masker.
    /// Other unique columns take maskers that keep values distinct (hash, email) or SQL (the import reports collisions).
    /// </summary>
    private static void ValidateColumns(PlannedTable p, IReadOnlyDictionary<TableName, PlannedTable> planned,
        IReadOnlyDictionary<(TableName Table, string Column), ColumnMask> masks)
    {
        var info = p.Info;
        var keyColumns = new HashSet<string>(info.RowKey ?? Array.Empty<string>());
        foreach (var fk in info.ReferencedBy.Where(f => planned.ContainsKey(f.Child))) keyColumns.UnionWith(fk.ParentColumns);
        var unique = info.UniqueKeys.SelectMany(u => u.Columns).Concat(info.PrimaryKey).ToHashSet();
        var referencing = info.ForeignKeys.Where(f => planned.ContainsKey(f.Parent)).SelectMany(f => f.Columns).ToHashSet();

        foreach (var column in p.Transforms.Keys)
        {
            masks.TryGetValue((p.Name, column), out var mask);
            if (keyColumns.Contains(column) || referencing.Contains(column))
            {
                var nullsReference = mask?.Kind == MaskKind.Null && !keyColumns.Contains(column);
                if (mask?.Kind == MaskKind.Hash || nullsReference) continue;
                throw Refuse(p, column, mask is null
                    ? "a SQL transform on a key or foreign-key column cannot be checked for consistency; use {\"mask\": \"hash\"} on every side of its foreign keys"
                    : $"mask {Name(mask)} would break keys or references; only {{\"mask\": \"hash\"}} (with the same salt on every side of its foreign keys) is allowed here");
            }
            else if (unique.Contains(column) && mask is not null && mask.Kind is not (MaskKind.Hash or MaskKind.Email or MaskKind.Null))
                throw Refuse(p, column, $"it is a unique column and mask {Name(mask)} would give rows the same value; use {{\"mask\": \"hash\"}} or {{\"mask\": \"email\"}}");
        }

        foreach (var column in p.Omitted)
        {
            if (keyColumns.Contains(column))
                throw Refuse(p, column, "it is a key column or referenced by a foreign key, so references to the imported rows would break; mask it with {\"mask\": \"hash\"} instead", "Cannot omit");
            var c = info.Column(column)!;
            if (referencing.Contains(column) && (c.NotNull || c.HasDefault))
                throw Refuse(p, column, "it is a foreign-key column with a default or NOT NULL, so the import would invent a reference", "Cannot omit");
        }
    }

    /// <summary>Both sides of every foreign key between exported tables must be masked alike (or the reference nulled).</summary>
    private static void ValidateForeignKeys(PlannedTable p, IReadOnlyDictionary<TableName, PlannedTable> planned,
        IReadOnlyDictionary<(TableName Table, string Column), ColumnMask> masks)
    {
        foreach (var fk in p.Info.ForeignKeys.Where(f => planned.ContainsKey(f.Parent)))
        {
            var parent = planned[fk.Parent];
            for (var i = 0; i < fk.Columns.Count; i++)
            {
                masks.TryGetValue((p.Name, fk.Columns[i]), out var childMask);
                masks.TryGetValue((parent.Name, fk.ParentColumns[i]), out var parentMask);
                if (childMask?.Kind == MaskKind.Null) continue;
                if (childMask is null && parentMask is null) continue;
                var childSide = $"{p.Name.Display}.{Identifier.QuoteIfNeeded(fk.Columns[i])}";
                var parentSide = $"{parent.Name.Display}.{Identifier.QuoteIfNeeded(fk.ParentColumns[i])}";
                if (childMask is null || parentMask is null)
                {
                    var (masked, plain) = childMask is null ? (parentSide, childSide) : (childSide, parentSide);
                    throw new PgSeedException(ErrorCode.KeyTransform,
                        $"{masked} is masked but {plain} is not, and foreign key {fk.Display} joins them: give both the same {{\"mask\": \"hash\"}} (and salt).")
                        { Table = p.Name.Display, Column = fk.Columns[i] };
                }
                var childColumn = p.Info.Column(fk.Columns[i])!;
                var parentColumn = parent.Info.Column(fk.ParentColumns[i])!;
                var same = childMask.Kind == MaskKind.Hash && parentMask.Kind == MaskKind.Hash &&
                           (childMask.Salt ?? "") == (parentMask.Salt ?? "") &&
                           MaskSql.HashOfValue("v", childColumn.Type, childMask.Salt ?? "", p.Info, childColumn) ==
                           MaskSql.HashOfValue("v", parentColumn.Type, parentMask.Salt ?? "", parent.Info, parentColumn);
                if (!same)
                    throw new PgSeedException(ErrorCode.KeyTransform,
                        $"Foreign key {fk.Display}: {childSide} and {parentSide} are masked differently (masker, salt or column type), so masked references would not match.")
                        { Table = p.Name.Display, Column = fk.Columns[i] };
            }
        }
    }

    private static string Name(ColumnMask mask) => char.ToLowerInvariant(mask.Kind.ToString()[0]) + mask.Kind.ToString()[1..];

    private static PgSeedException Refuse(PlannedTable p, string column, string why, string verb = "Cannot transform") =>
        new(ErrorCode.KeyTransform, $"{verb} {p.Name.Display}.{Identifier.QuoteIfNeeded(column)}: {why}.") { Table = p.Name.Display, Column = column };
}
