using PgSeed.Engine.Catalog;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Import;

/// <summary>The SQL an import runs. Every identifier is quoted; nothing user-typed is spliced in.</summary>
internal static class ImportStatements
{
    public const string DisableTriggers = "SET LOCAL session_replication_role = replica";

    public static string Defer(ForeignKeyInfo fk) =>
        $"SET CONSTRAINTS {Identifier.Quote(fk.Child.Schema)}.{Identifier.Quote(fk.Name)} DEFERRED";

    public static string DropForeignKey(ForeignKeyInfo fk) =>
        $"ALTER TABLE {fk.Child.Sql} DROP CONSTRAINT {Identifier.Quote(fk.Name)}";

    /// <summary>Re-creates the FK from <c>pg_get_constraintdef</c>; validates every row in one join.</summary>
    public static string AddForeignKey(ForeignKeyInfo fk) =>
        $"ALTER TABLE {fk.Child.Sql} ADD CONSTRAINT {Identifier.Quote(fk.Name)} {fk.Definition}";

    public static string Truncate(IEnumerable<TableName> tables, bool cascade) =>
        $"TRUNCATE TABLE {string.Join(", ", tables.Select(t => t.Sql))}{(cascade ? " CASCADE" : "")}";

    /// <summary>COPY of a seed CSV (header line skipped by COPY itself) into <paramref name="targetSql"/>.</summary>
    public static string CopyFrom(string targetSql, IEnumerable<string> columns, bool freeze) =>
        $"COPY {targetSql} ({Identifier.List(columns)}) FROM STDIN WITH (FORMAT csv, HEADER true{(freeze ? ", FREEZE true" : "")})";

    public static string StageName(int index) => Identifier.Quote($"pgseed_stage_{index}");

    /// <summary>
    /// A temporary table shaped like the CSV, with the target's column types (so COPY reports bad values
    /// against the right type). Columns the target computes are kept as text: read, never written.
    /// </summary>
    public static string CreateStage(TablePlan table, string stage) =>
        $"CREATE TEMP TABLE {stage} ON COMMIT DROP AS SELECT " +
        string.Join(", ", table.CsvColumns.Select(c => table.SkippedColumns.Contains(c)
            ? $"NULL::text AS {Identifier.Quote(c)}"
            : Identifier.Quote(c))) +
        $" FROM {table.Target.Name.Sql} WITH NO DATA";

    public static string InsertFromStage(TablePlan table, string stage)
    {
        var columns = Identifier.List(table.WrittenColumns);
        var sql = $"INSERT INTO {table.Target.Name.Sql} ({columns})" +
                  (table.OverridingSystemValue ? " OVERRIDING SYSTEM VALUE" : "") +
                  $" SELECT {columns} FROM {stage}";
        if (table.ConflictKey is null) return sql;
        sql += $" ON CONFLICT ({Identifier.List(table.ConflictKey)}) ";
        return table.UpdatedColumns.Count == 0
            ? sql + "DO NOTHING"
            : sql + "DO UPDATE SET " + string.Join(", ", table.UpdatedColumns.Select(c => $"{Identifier.Quote(c)} = EXCLUDED.{Identifier.Quote(c)}"));
    }

    public static string DropStage(string stage) => $"DROP TABLE {stage}";

    /// <summary>
    /// Moves the sequence just past the imported values (above the maximum, or below the minimum when it
    /// counts down) so the next generated value cannot collide; never moves it backwards. No rows: untouched.
    /// </summary>
    public static string AdvanceSequence(SequencePlan s)
    {
        var up = s.Increment > 0;
        var edge = up ? "max" : "min";
        var beyond = up ? ">" : "<";
        return $"SELECT pg_catalog.setval({Identifier.Literal(s.Sequence)}::regclass, d.v, true) " +
               $"FROM (SELECT {edge}({Identifier.Quote(s.Column)})::bigint AS v FROM {s.Table.Sql}) d, {s.Sequence} q " +
               $"WHERE d.v IS NOT NULL AND (d.v {beyond} q.last_value OR (d.v = q.last_value AND NOT q.is_called))";
    }
}
