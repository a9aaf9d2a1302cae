using System.Diagnostics;
using Npgsql;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Import;

/// <summary>
/// Executes an <see cref="ImportPlan"/> in one transaction (or only logs its SQL in a dry run).
/// Order: triggers off / FKs deferred / FKs dropped, TRUNCATE (then secondary indexes of emptied or empty tables dropped,
/// see <see cref="IndexRebuild"/>),
/// load each table, build those indexes again, re-add FKs, advance sequences
/// (last: see <see cref="SequenceStep"/>), COMMIT. Any failure rolls everything back, the dropped FKs and the
/// sequences included.
/// </summary>
internal sealed class ImportRun(NpgsqlConnection connection, ImportPlan plan, bool dryRun, ISeedLog log)
{
    private readonly SequenceStep _sequences = new(connection, plan.Sequences, dryRun, log);
    private readonly ISeedProgress _progress = SeedProgress.For(log);

    public async Task<IReadOnlyList<TableReport>> ExecuteAsync(CancellationToken cancellationToken)
    {
        if (dryRun)
        {
            // The same statements, logged and never sent: no transaction is opened.
            log.Sql("BEGIN");
            var planned = await RunStepsAsync(cancellationToken).ConfigureAwait(false);
            log.Sql("COMMIT");
            return planned;
        }

        var serverCancel = ServerCancellation.Register(connection, cancellationToken);
        await using var serverCancelScope = serverCancel.ConfigureAwait(false);
        log.Sql("BEGIN");
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        try
        {
            var reports = await RunStepsAsync(cancellationToken).ConfigureAwait(false);
            if (plan.Rehearse)
            {
                // Deferred FKs are checked at COMMIT: check them now, then undo everything.
                await RunForeignKeyCheckAsync("SET CONSTRAINTS ALL IMMEDIATE", cancellationToken).ConfigureAwait(false);
                log.Sql("ROLLBACK");
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                return reports;
            }
            log.Sql("COMMIT");
            try
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
            {
                // A deferred FK checked at COMMIT.
                throw ImportErrors.ForeignKey(e, null);
            }
            return reports;
        }
        catch (Exception e)
        {
            // A cancel request still on its way to the server must land now, not on the sequence undo below.
            await serverCancel.DisposeAsync().ConfigureAwait(false);
            await RollbackAsync(transaction).ConfigureAwait(false);
            await _sequences.UndoAsync().ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested && e is not OperationCanceledException)
                throw new OperationCanceledException("The import was cancelled; nothing was written.", e, cancellationToken);
            if (e is PgSeedException { Code: ErrorCode.UniqueViolation, InnerException: PostgresException unique } duplicate &&
                await DiagnoseDuplicateAsync(duplicate, unique, cancellationToken).ConfigureAwait(false) is { } inSeed)
                throw inSeed;
            if (e is PostgresException pe) throw ImportErrors.Other(pe, "importing");
            throw;
        }
    }

    /// <summary>
    /// A unique violation while COPYing straight into a table: the seed may hold the key twice (PGSEED052, both
    /// records named) rather than collide with a row already there. Checked after the rollback, on a copy of the file.
    /// </summary>
    private async Task<PgSeedException?> DiagnoseDuplicateAsync(PgSeedException error, PostgresException unique, CancellationToken cancellationToken)
    {
        var table = plan.Tables.FirstOrDefault(t => t.Display == error.Table);
        if (table is null || table.Staged || table.FilePath is null) return null;
        return await DuplicateKeys.DiagnoseAsync(connection, table, unique.ConstraintName, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<TableReport>> RunStepsAsync(CancellationToken cancellationToken)
    {
        if (plan.DisableTriggers) await RunAsync(ImportStatements.DisableTriggers, cancellationToken).ConfigureAwait(false);
        if (plan.Mode == ImportMode.Upsert) await RunAsync(ImportStatements.UpsertWorkMem, cancellationToken).ConfigureAwait(false);
        foreach (var fk in plan.Deferred) await RunAsync(ImportStatements.Defer(fk.Key), cancellationToken).ConfigureAwait(false);
        foreach (var fk in plan.Dropped) await RunAsync(ImportStatements.DropForeignKey(fk.Key), cancellationToken).ConfigureAwait(false);

        if (plan.Mode == ImportMode.Truncate)
            await RunAsync(plan.Cascade
                ? ImportStatements.Truncate(plan.Tables.Select(t => t.Target.Name), cascade: plan.CascadedTables.Count > 0)
                : ImportStatements.Truncate(plan.Tables.Select(t => t.Target.Name).Concat(plan.CascadedTables), cascade: false), cancellationToken).ConfigureAwait(false);
        var rebuilt = await DropIndexesToRebuildAsync(cancellationToken).ConfigureAwait(false);

        var reports = new List<TableReport>();
        if (!dryRun)
            _progress.TablesStarting(plan.Tables.Select(t => new TableProgressInfo(t.Display, t.Csv.Expected.Rows, t.Csv.Expected.Bytes)).ToList());
        for (var i = 0; i < plan.Tables.Count; i++)
        {
            var table = plan.Tables[i];
            var clock = Stopwatch.StartNew();
            (long Rows, long Bytes) loaded;
            try
            {
                loaded = await LoadAsync(table, i + 1, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw ImportErrors.Loading(e, table, plan.Mode);
            }
            clock.Stop();
            var report = new TableReport
            {
                Table = table.Display,
                Rows = loaded.Rows,
                Bytes = loaded.Bytes,
                Elapsed = clock.Elapsed,
                Reason = table.Seed.Reason,
            };
            reports.Add(report);
            if (!dryRun) _progress.TableFinished(table.Display, report.Rows, report.Bytes, report.Elapsed);
        }

        await RebuildIndexesAsync(rebuilt, cancellationToken).ConfigureAwait(false);

        foreach (var fk in plan.CheckedReferences)
        {
            log.Sql(ReferencingRowsCheck.Sql(fk));
            if (!dryRun) await ReferencingRowsCheck.RunAsync(connection, fk, cancellationToken).ConfigureAwait(false);
        }

        foreach (var fk in plan.Dropped)
        {
            try
            {
                await RunAsync(ImportStatements.AddForeignKey(fk.Key), cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
            {
                throw ImportErrors.ForeignKey(e, fk.Key);
            }
        }

        // Last before COMMIT: everything that can refuse the import has run.
        try
        {
            await _sequences.AdvanceAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw ImportErrors.Other(e, "moving the sequences past the imported values");
        }
        return reports;
    }

    /// <summary>
    /// Secondary indexes of the tables this import emptied (truncate), or of empty tables a plain import loads many rows
    /// into: dropped now, built once after loading (see <see cref="IndexRebuild"/>).
    /// </summary>
    private async Task<IReadOnlyList<IndexRebuild>> DropIndexesToRebuildAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<IndexRebuild> rebuilt;
        if (plan.Mode == ImportMode.Truncate)
            rebuilt = await IndexRebuild.ReadAsync(connection, plan.Tables.Where(t => t.Freeze).Select(t => t.Target.Name).ToList(), cancellationToken).ConfigureAwait(false);
        else if (plan.Mode == ImportMode.Append)
        {
            // Ownership first (IndexRebuild reads only the role's own tables), so the emptiness check reads only those.
            var large = plan.Tables.Where(t => t.Csv.Expected.Rows >= IndexRebuild.AppendRows).Select(t => t.Target.Name).ToList();
            var candidates = await IndexRebuild.ReadAsync(connection, large, cancellationToken).ConfigureAwait(false);
            var empty = await EmptyTables.FindAsync(connection, candidates.Select(i => i.Table).Distinct().ToList(), cancellationToken).ConfigureAwait(false);
            rebuilt = candidates.Where(i => empty.Contains(i.Table)).ToList();
        }
        else rebuilt = Array.Empty<IndexRebuild>();
        if (rebuilt.Count > 0) log.Detail($"{rebuilt.Count} secondary index(es) dropped for the load and built again after it");
        foreach (var index in rebuilt) await RunAsync(index.DropSql, cancellationToken).ConfigureAwait(false);
        return rebuilt;
    }

    private async Task RebuildIndexesAsync(IReadOnlyList<IndexRebuild> rebuilt, CancellationToken cancellationToken)
    {
        foreach (var index in rebuilt)
        {
            try
            {
                await RunAsync(index.CreateSql, cancellationToken).ConfigureAwait(false);
                if (index.CommentSql is { } comment) await RunAsync(comment, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (!cancellationToken.IsCancellationRequested)
            {
                // What the COPY would have reported for the row (an index expression failing on a value), after the load.
                throw ImportErrors.Loading(e, plan.Tables.First(t => t.Target.Name == index.Table), plan.Mode);
            }
        }
    }

    /// <summary>Loads one table; returns the rows and bytes its CSV held (a dry run: what the source expects).</summary>
    private async Task<(long Rows, long Bytes)> LoadAsync(TablePlan table, int index, CancellationToken cancellationToken)
    {
        if (!table.Staged)
            return await CopyAsync(ImportStatements.CopyFrom(table.Target.Name.Sql, table.CsvColumns, table.Freeze), table, cancellationToken).ConfigureAwait(false);
        var stage = ImportStatements.StageName(index);
        await RunAsync(ImportStatements.CreateStage(table, stage), cancellationToken).ConfigureAwait(false);
        var loaded = await CopyAsync(ImportStatements.CopyFrom(stage, table.CsvColumns, freeze: false), table, cancellationToken).ConfigureAwait(false);
        if (table.ConflictKey is null)
        {
            await RunAsync(ImportStatements.InsertFromStage(table, stage), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await RunAsync(ImportStatements.AnalyzeStage(stage), cancellationToken).ConfigureAwait(false);
            // A key twice in the file would let one of its rows win at random: refused before anything is written.
            if (!dryRun && await DuplicateKeys.FindAsync(connection, table, stage, table.ConflictKey, cancellationToken).ConfigureAwait(false) is { } duplicate)
                throw duplicate;
            if (table.UpdatedColumns.Count > 0)
            {
                foreach (var trigger in table.SilencedTriggers) await RunAsync(trigger.DisableSql, cancellationToken).ConfigureAwait(false);
                await RunAsync(ImportStatements.UpdateFromStage(table, stage), cancellationToken).ConfigureAwait(false);
                foreach (var trigger in table.SilencedTriggers) await RunAsync(trigger.EnableSql, cancellationToken).ConfigureAwait(false);
            }
            await RunAsync(ImportStatements.InsertMissingFromStage(table, stage), cancellationToken).ConfigureAwait(false);
        }
        await RunAsync(ImportStatements.DropStage(stage), cancellationToken).ConfigureAwait(false);
        return loaded;
    }

    private async Task<(long Rows, long Bytes)> CopyAsync(string copySql, TablePlan table, CancellationToken cancellationToken)
    {
        log.Sql($"-- from {table.Csv.Name}\n{copySql}");
        if (dryRun) return table.Csv.Expected;
        return await table.Csv.CopyIntoAsync(connection, copySql, (rows, sent) => _progress.TableProgress(table.Display, rows, sent), cancellationToken).ConfigureAwait(false);
    }

    private async Task RunForeignKeyCheckAsync(string sql, CancellationToken cancellationToken)
    {
        try { await RunAsync(sql, cancellationToken).ConfigureAwait(false); }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation) { throw ImportErrors.ForeignKey(e, null); }
    }

    private async Task RunAsync(string sql, CancellationToken cancellationToken)
    {
        log.Sql(sql);
        if (dryRun) return;
        await Sessions.ExecuteAsync(connection, sql, cancellationToken).ConfigureAwait(false);
    }

    private static async Task RollbackAsync(NpgsqlTransaction transaction)
    {
        try
        {
            await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            // A broken connection rolls back on its own when the server notices it is gone.
        }
    }
}
