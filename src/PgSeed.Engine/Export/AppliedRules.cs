using PgSeed.Engine.Catalog;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Shaping;

namespace PgSeed.Engine.Export;

/// <summary>
/// Planning, step 2: the table rules applied to the reached tables — where conditions (and their parameters),
/// masks, transforms and omitted columns — and the references into excluded tables exported as NULL. Rules for
/// tables the walk did not reach are ignored; a rule naming a column the table lacks is an error.
/// </summary>
/// <param name="Shapes">Each reached table's shape (without rules: no where condition, nothing transformed or omitted).</param>
/// <param name="Masks">The masker behind each masked column (what <see cref="KeyColumnGuard"/> checks across FKs).</param>
internal sealed record AppliedRules(IReadOnlyDictionary<TableName, TableShape> Shapes, IReadOnlyDictionary<(TableName Table, string Column), ColumnMask> Masks)
{
    public TableShape this[TableName table] => Shapes[table];

    public static AppliedRules Apply(DatabaseCatalog catalog, IReadOnlyList<TableRule> rules, SubsetReach reach, ISeedLog log)
    {
        var shapes = reach.Tables.ToDictionary(t => t.Name, _ => new ShapeBuilder());
        var masks = new Dictionary<(TableName, string), ColumnMask>();
        for (var ruleIndex = 0; ruleIndex < rules.Count; ruleIndex++)
        {
            var rule = rules[ruleIndex];
            foreach (var info in TablePattern.Match(catalog, rule.Table, "table in a rule"))
                if (shapes.TryGetValue(info.Name, out var shape))
                    Apply(rule, ruleIndex, info, shape, masks);
        }
        foreach (var fk in reach.NulledReferences)
        {
            // Opted in: the reference into the excluded table is exported as NULL (see SubsetReach).
            foreach (var column in fk.Columns)
            {
                shapes[fk.Child].Transforms[column] = "NULL";
                masks[(fk.Child, column)] = new ColumnMask { Kind = MaskKind.Null };
            }
            log.Detail($"{fk.Display} references excluded table {fk.Parent.Display}: exported as NULL");
        }
        return new AppliedRules(shapes.ToDictionary(kv => kv.Key, kv => kv.Value.Build()), masks);
    }

    private static void Apply(TableRule rule, int ruleIndex, TableInfo info, ShapeBuilder shape, Dictionary<(TableName, string), ColumnMask> masks)
    {
        if (!string.IsNullOrWhiteSpace(rule.Where) || rule.Conditions.Count > 0)
        {
            var (structured, structuredParameters) = WhereSql.Build(info, rule.Conditions, $"pgseed_w{ruleIndex}_");
            var where = string.IsNullOrWhiteSpace(rule.Where)
                ? structured
                : rule.Conditions.Count == 0
                    ? FilterGuard.SingleStatement(rule.Where, "where rule", info.Name.Display)
                    : $"({FilterGuard.SingleStatement(rule.Where, "where rule", info.Name.Display)}) AND {structured}";
            shape.Where = shape.Where is null ? where : $"({shape.Where}) AND ({where})";
            foreach (var kv in rule.WhereParameters) shape.WhereParameters[kv.Key] = kv.Value;
            foreach (var kv in structuredParameters) shape.WhereParameters[kv.Key] = kv.Value;
        }
        foreach (var (column, mask) in rule.Masks)
        {
            var c = info.Column(column) ?? throw new PgSeedException(ErrorCode.RuleInvalid,
                $"Mask for {info.Name.Display}.{column}: the table has no such column.") { Table = info.Name.Display, Column = column };
            shape.Transforms[column] = MaskSql.Expression(mask, info, c);
            masks[(info.Name, column)] = mask;
        }
        foreach (var (column, expression) in rule.Transforms)
        {
            if (info.Column(column) is null)
                throw new PgSeedException(ErrorCode.RuleInvalid, $"Transform for {info.Name.Display}.{column}: the table has no such column.") { Table = info.Name.Display, Column = column };
            shape.Transforms[column] = expression;
            masks.Remove((info.Name, column));
        }
        foreach (var column in rule.Omit)
        {
            var c = info.Column(column) ?? throw new PgSeedException(ErrorCode.RuleInvalid,
                $"Omit {info.Name.Display}.{column}: the table has no such column.") { Table = info.Name.Display, Column = column };
            if (!c.CanBeOmitted)
                throw new PgSeedException(ErrorCode.RuleInvalid,
                    $"Cannot omit {info.Name.Display}.{column}: it is NOT NULL without a default, so the seed could not be imported.") { Table = info.Name.Display, Column = column };
            shape.Omitted.Add(column);
        }
    }

    /// <summary>One table's shape while the rules are applied in order (later rules add to and override earlier ones).</summary>
    private sealed class ShapeBuilder
    {
        public string? Where { get; set; }
        public Dictionary<string, object?> WhereParameters { get; } = new();
        public Dictionary<string, string> Transforms { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Omitted { get; } = new(StringComparer.Ordinal);

        public TableShape Build() => new(Where, WhereParameters, Transforms, Omitted);
    }
}

/// <summary>How the table rules shape one table's rows and columns.</summary>
/// <param name="Where">Extra condition on the rows reached as children (never on rows reached as parents); null: none.</param>
/// <param name="WhereParameters">Values of the <c>@name</c> placeholders of <paramref name="Where"/>.</param>
/// <param name="Transforms">Column → SQL expression written instead of its value (masks included).</param>
/// <param name="Omitted">Columns left out of the CSV.</param>
internal sealed record TableShape(string? Where, IReadOnlyDictionary<string, object?> WhereParameters,
    IReadOnlyDictionary<string, string> Transforms, IReadOnlySet<string> Omitted);
