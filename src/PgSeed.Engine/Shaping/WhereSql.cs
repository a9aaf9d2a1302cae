using PgSeed.Engine.Catalog;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Shaping;

/// <summary>
/// Turns structured where conditions into SQL over unqualified, quoted column names. Every value is a
/// text parameter cast to the column's type (<c>"created_at" &gt;= CAST(@p AS timestamp)</c>), so the server
/// parses it exactly as it would a literal of that type, and nothing the user wrote reaches the SQL text.
/// </summary>
internal static class WhereSql
{
    public static (string Sql, IReadOnlyDictionary<string, object?> Parameters) Build(
        TableInfo table, IReadOnlyList<WhereCondition> conditions, string parameterPrefix)
    {
        var parts = new List<string>();
        var parameters = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var c in conditions)
        {
            var column = table.Column(c.Column) ?? throw new PgSeedException(ErrorCode.RuleInvalid,
                $"Where rule for {table.Name.Display}: the table has no column {c.Column}.") { Table = table.Name.Display, Column = c.Column };
            var col = Identifier.Quote(column.Name);
            string Param(object? value)
            {
                var name = $"{parameterPrefix}{parameters.Count}";
                parameters[name] = value;
                return "@" + name;
            }
            string Single()
            {
                if (c.Values.Count != 1)
                    throw new PgSeedException(ErrorCode.RuleInvalid,
                        $"Where rule for {table.Name.Display}.{column.Name}: '{c.Operator}' takes exactly one value.") { Table = table.Name.Display, Column = column.Name };
                return c.Values[0] is null ? "NULL" : $"CAST({Param(c.Values[0])} AS {column.Type})";
            }
            parts.Add(c.Operator switch
            {
                WhereOperator.Eq when c.Values.Count == 1 && c.Values[0] is null => $"{col} IS NULL",
                WhereOperator.Ne when c.Values.Count == 1 && c.Values[0] is null => $"{col} IS NOT NULL",
                WhereOperator.Eq => $"{col} = {Single()}",
                WhereOperator.Ne => $"{col} <> {Single()}",
                WhereOperator.Gt => $"{col} > {Single()}",
                WhereOperator.Gte => $"{col} >= {Single()}",
                WhereOperator.Lt => $"{col} < {Single()}",
                WhereOperator.Lte => $"{col} <= {Single()}",
                WhereOperator.Like => $"{col}::text LIKE {Single()}",
                WhereOperator.ILike => $"{col}::text ILIKE {Single()}",
                WhereOperator.IsNull => $"{col} IS NULL",
                WhereOperator.IsNotNull => $"{col} IS NOT NULL",
                WhereOperator.In => InList(col, column, c.Values, negate: false, Param),
                WhereOperator.NotIn => InList(col, column, c.Values, negate: true, Param),
                _ => throw new ArgumentOutOfRangeException(nameof(conditions)),
            });
        }
        return (parts.Count == 0 ? "true" : string.Join(" AND ", parts), parameters);
    }

    /// <summary><c>in</c>: a text[] parameter cast to the column's array type; a null in the list matches NULL.</summary>
    private static string InList(string col, ColumnInfo column, IReadOnlyList<string?> values, bool negate, Func<object?, string> param)
    {
        var nonNull = values.Where(v => v is not null).Cast<string>().ToArray();
        var hasNull = nonNull.Length != values.Count;
        var any = nonNull.Length == 0 ? "false" : $"{col} = ANY(CAST({param(nonNull)} AS {column.Type}[]))";
        var sql = hasNull ? $"({any} OR {col} IS NULL)" : any;
        return negate ? $"NOT COALESCE({sql}, false)" : sql;
    }
}
