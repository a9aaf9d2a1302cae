using System.Diagnostics;
using Npgsql;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;

namespace PgSeed.Engine.Import;

/// <summary>
/// Executes an <see cref="ImportPlan"/> in one transaction (or only logs its SQL in a dry run).
/// Order: triggers off / FKs deferred / FKs dropped, TRUNCATE, load each table, advance sequences,
/// re-add FKs, COMMIT. Any failure rolls everything back, the dropped FKs included.
/// </summary>
internal sealed class ImportRun(NpgsqlConnection connection, string connectionString, ImportPlan plan, bool dryRun, ISeedLog log)
{
    public async Task<IReadOnlyList<TableReport>> ExecuteAsync(CancellationToken cancellationToken)
    {
        if (dryRun)
        {
            // The same statements, logged and never sent: no transaction is opened.
            log.Sql("BEGIN");
            var planned = await RunStepsAsync(cancellationToken);
            log.Sql("COMMIT");
            return planned;
        }

        using var serverCancel = ServerCancellation.Register(connection, connectionString, cancellationToken);
        log.Sql("BEGIN");
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            var reports = await RunStepsAsync(cancellationToken);
            log.Sql("COMMIT");
            try
            {
                await transaction.CommitAsync(cancellationToken);
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
            await RollbackAsync(transaction);
            if (cancellationToken.IsCancellationRequested && e is not OperationCanceledException)
                throw new OperationCanceledException("The import was cancelled; nothing was written.", e, cancellationToken);
            if (e is PostgresException pe) throw ImportErrors.Other(pe, "importing");
            throw;
        }
    }

    private async Task<IReadOnlyList<TableReport>> RunStepsAsync(CancellationToken cancellationToken)
    {
        if (plan.DisableTriggers) await RunAsync(ImportStatements.DisableTriggers, cancellationToken);
        foreach (var fk in plan.Deferred) await RunAsync(ImportStatements.Defer(fk.Key), cancellationToken);
        foreach (var fk in plan.Dropped) await RunAsync(ImportStatements.DropForeignKey(fk.Key), cancellationToken);

        if (plan.Mode == ImportMode.Truncate)
            await RunAsync(plan.Cascade
                ? ImportStatements.Truncate(plan.Tables.Select(t => t.Target.Name), cascade: plan.CascadedTables.Count > 0)
                : ImportStatements.Truncate(plan.Tables.Select(t => t.Target.Name).Concat(plan.CascadedTables), cascade: false), cancellationToken);

        var reports = new List<TableReport>();
        for (var i = 0; i < plan.Tables.Count; i++)
        {
            var table = plan.Tables[i];
            var clock = Stopwatch.StartNew();
            try
            {
                await LoadAsync(table, i + 1, cancellationToken);
            }
            catch (PostgresException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw ImportErrors.Loading(e, table);
            }
            clock.Stop();
            var report = new TableReport
            {
                Table = table.Display,
                Rows = table.Seed.Rows,
                Bytes = new FileInfo(table.FilePath).Length,
                Elapsed = clock.Elapsed,
                Reason = table.Seed.Reason,
            };
            reports.Add(report);
            if (!dryRun)
                log.Detail($"{table.Display}: {SummaryTree.Count(report.Rows)} rows, {SummaryTree.Size(report.Bytes)} in {SummaryTree.Time(report.Elapsed)}");
        }

        foreach (var sequence in plan.Sequences) await RunAsync(ImportStatements.AdvanceSequence(sequence), cancellationToken);

        foreach (var fk in plan.CheckedReferences)
        {
            log.Sql(ReferencingRowsCheck.Sql(fk));
            if (!dryRun) await ReferencingRowsCheck.RunAsync(connection, fk, cancellationToken);
        }

        foreach (var fk in plan.Dropped)
        {
            try
            {
                await RunAsync(ImportStatements.AddForeignKey(fk.Key), cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
            {
                throw ImportErrors.ForeignKey(e, fk.Key);
            }
        }
        return reports;
    }

    private async Task LoadAsync(TablePlan table, int index, CancellationToken cancellationToken)
    {
        if (!table.Staged)
        {
            await CopyAsync(ImportStatements.CopyFrom(table.Target.Name.Sql, table.CsvColumns, table.Freeze), table, cancellationToken);
            return;
        }
        var stage = ImportStatements.StageName(index);
        await RunAsync(ImportStatements.CreateStage(table, stage), cancellationToken);
        await CopyAsync(ImportStatements.CopyFrom(stage, table.CsvColumns, freeze: false), table, cancellationToken);
        if (table.ConflictKey is null)
        {
            await RunAsync(ImportStatements.InsertFromStage(table, stage), cancellationToken);
        }
        else
        {
            await RunAsync(ImportStatements.AnalyzeStage(stage), cancellationToken);
            if (table.UpdatedColumns.Count > 0)
            {
                foreach (var trigger in table.SilencedTriggers) await RunAsync(trigger.DisableSql, cancellationToken);
                await RunAsync(ImportStatements.UpdateFromStage(table, stage), cancellationToken);
                foreach (var trigger in table.SilencedTriggers) await RunAsync(trigger.EnableSql, cancellationToken);
            }
            await RunAsync(ImportStatements.InsertMissingFromStage(table, stage), cancellationToken);
        }
        await RunAsync(ImportStatements.DropStage(stage), cancellationToken);
    }

    private async Task CopyAsync(string copySql, TablePlan table, CancellationToken cancellationToken)
    {
        log.Sql($"-- from {table.Seed.File}\n{copySql}");
        if (dryRun) return;
        await CsvCopy.CopyFileAsync(connection, copySql, table.FilePath, cancellationToken);
    }

    private async Task RunAsync(string sql, CancellationToken cancellationToken)
    {
        log.Sql(sql);
        if (dryRun) return;
        await Sessions.ExecuteAsync(connection, sql, cancellationToken);
    }

    private static async Task RollbackAsync(NpgsqlTransaction transaction)
    {
        try
        {
            await transaction.RollbackAsync(CancellationToken.None);
        }
        catch
        {
            // A broken connection rolls back on its own when the server notices it is gone.
        }
    }
}
