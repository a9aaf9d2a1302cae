using PgSeed.Engine.Catalog;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Import;

/// <summary>The SQL an import runs. Every identifier is quoted; nothing user-typed is spliced in.</summary>
internal static class ImportStatements
{
    public const string DisableTriggers = "SET LOCAL session_replication_role = replica";

    /// <summary>
    /// The upsert joins each staged file with its table twice (update, then insert of new keys): with the default 4 MB
    /// those hash joins spill to disk on large tables. Raised to the export sessions' 64 MB for this transaction only,
    /// never lowered. One connection, a few hash tables at a time: bounded.
    /// </summary>
    public const string UpsertWorkMem =
        "SELECT pg_catalog.set_config('work_mem', '64MB', true) WHERE pg_catalog.pg_size_bytes(pg_catalog.current_setting('work_mem')) < 64 * 1024 * 1024";

    // FKs are altered where they are declared: on the table, or on the partition (ConstraintTable).
    public static string Defer(ForeignKeyInfo fk) =>
        $"SET CONSTRAINTS {Identifier.Quote(fk.ConstraintTable.Schema)}.{Identifier.Quote(fk.Name)} DEFERRED";

    public static string DropForeignKey(ForeignKeyInfo fk) =>
        $"ALTER TABLE {fk.ConstraintTable.Sql} DROP CONSTRAINT {Identifier.Quote(fk.Name)}";

    /// <summary>Re-creates the FK from <c>pg_get_constraintdef</c>; validates every row in one join.</summary>
    public static string AddForeignKey(ForeignKeyInfo fk) =>
        $"ALTER TABLE {fk.ConstraintTable.Sql} ADD CONSTRAINT {Identifier.Quote(fk.Name)} {fk.Definition}";

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

    /// <summary>Append and truncate modes with a column to discard: every staged row goes in.</summary>
    public static string InsertFromStage(TablePlan table, string stage)
    {
        var columns = Identifier.List(table.WrittenColumns);
        return $"INSERT INTO {table.Target.Name.Sql} ({columns})" +
               (table.OverridingSystemValue ? " OVERRIDING SYSTEM VALUE" : "") +
               $" SELECT {columns} FROM {stage}";
    }

    /// <summary>
    /// Upsert, step 1: rows whose key exists get the seed's values, but only where they differ. One hash join
    /// instead of a per-row conflict probe and row lock (what INSERT ... ON CONFLICT does), and re-applying an
    /// unchanged seed (the common case) writes no new row versions. Compared by binary image (<c>*&lt;&gt;</c>, the
    /// operator REFRESH MATERIALIZED VIEW CONCURRENTLY uses): it needs no equality operator (json, point and xml have
    /// none), treats NULLs as equal, and finds every difference the values' text shows (1.0 vs 1.00 included) without
    /// converting both rows to text, which cost this statement ~40 % of its time (docs/benchmarks.md). The stage has
    /// the target's column types, so both rows have the same shape.
    /// </summary>
    public static string UpdateFromStage(TablePlan table, string stage)
    {
        var key = table.ConflictKey!;
        var updated = table.UpdatedColumns;
        return $"UPDATE {table.Target.Name.Sql} AS {TargetAlias} SET " +
               string.Join(", ", updated.Select(c => $"{Identifier.Quote(c)} = {StageAlias}.{Identifier.Quote(c)}")) +
               $" FROM {stage} AS {StageAlias} WHERE " + KeyMatch(key) +
               $" AND ROW({Identifier.List(TargetAlias, updated)})::record *<> ROW({Identifier.List(StageAlias, updated)})::record";
    }

    /// <summary>
    /// Upsert, step 2: rows whose key is not in the table yet (one hash anti-join). The ON CONFLICT clause
    /// only matters when another session inserts the same key meanwhile: the seed's values then win too.
    /// </summary>
    public static string InsertMissingFromStage(TablePlan table, string stage)
    {
        var columns = table.WrittenColumns;
        var key = table.ConflictKey!;
        var updated = table.UpdatedColumns;
        var onConflict = updated.Count == 0
            ? $" ON CONFLICT ({Identifier.List(key)}) DO NOTHING"
            : $" ON CONFLICT ({Identifier.List(key)}) DO UPDATE SET " + string.Join(", ", updated.Select(c => $"{Identifier.Quote(c)} = EXCLUDED.{Identifier.Quote(c)}"));
        return $"INSERT INTO {table.Target.Name.Sql} ({Identifier.List(columns)})" +
               (table.OverridingSystemValue ? " OVERRIDING SYSTEM VALUE" : "") +
               $" SELECT {Identifier.List(StageAlias, columns)} FROM {stage} AS {StageAlias}" +
               $" WHERE NOT EXISTS (SELECT 1 FROM {table.Target.Name.Sql} AS {TargetAlias} WHERE {KeyMatch(key)})" +
               onConflict;
    }

    /// <summary>Statistics for the staging table, so the joins above are planned as hash joins.</summary>
    public static string AnalyzeStage(string stage) => $"ANALYZE {stage}";

    private static string KeyMatch(IReadOnlyList<string> key) =>
        string.Join(" AND ", key.Select(k => $"{TargetAlias}.{Identifier.Quote(k)} = {StageAlias}.{Identifier.Quote(k)}"));

    private const string TargetAlias = "pgseed_target";
    private const string StageAlias = "pgseed_seed";

    public static string DropStage(string stage) => $"DROP TABLE {stage}";

    /// <summary>
    /// For every sequence (in plan order, numbered from 0): the largest imported value (the smallest when it counts
    /// down; NULL for an empty table), its current state and range. One round trip.
    /// </summary>
    public static string ReadSequenceTargets(IReadOnlyList<SequencePlan> sequences) =>
        string.Join("\nUNION ALL ", sequences.Select((s, i) =>
            $"SELECT {i}, (SELECT {(s.Increment > 0 ? "max" : "min")}({Identifier.Quote(s.Column)})::bigint FROM {s.Table.Sql}), q.last_value, q.is_called, p.seqmin, p.seqmax " +
            $"FROM {s.Sequence} q, pg_catalog.pg_sequence p WHERE p.seqrelid = {Identifier.Literal(s.Sequence)}::regclass"));

    /// <summary>Transactional (PostgreSQL 10+): the new value lives in a new relation file that only COMMIT makes current.</summary>
    public static string RestartSequence(SequencePlan s, long next) =>
        $"ALTER SEQUENCE {s.Sequence} RESTART WITH {next.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>Not transactional on its own (see <see cref="SequenceStep"/>).</summary>
    public static string SetSequence(SequencePlan s, long value, bool isCalled) =>
        $"SELECT pg_catalog.setval({Identifier.Literal(s.Sequence)}::regclass, {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}, {(isCalled ? "true" : "false")})";

    /// <summary>Puts a sequence back after a failed import, only if it still holds the value PgSeed set.</summary>
    public static string UndoSequence(SequencePlan s, long previous, bool previousCalled, long set) =>
        $"SELECT pg_catalog.setval({Identifier.Literal(s.Sequence)}::regclass, {previous.ToString(System.Globalization.CultureInfo.InvariantCulture)}, {(previousCalled ? "true" : "false")}) " +
        $"FROM {s.Sequence} q WHERE q.last_value = {set.ToString(System.Globalization.CultureInfo.InvariantCulture)} AND q.is_called";
}
