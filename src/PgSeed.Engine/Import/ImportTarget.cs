using Npgsql;
using PgSeed.Engine.Catalog;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Import;

/// <summary>
/// The writing side of an import, shared by <see cref="SeedImporter"/> (CSVs from a seed folder) and
/// <see cref="Copy.DatabaseCopier"/> (CSVs streamed from another database): the target's connection, the pre-flight
/// that matches the tables to the target's catalog and checks privileges (<see cref="ImportPlanner"/>), and the one
/// transaction that loads them (<see cref="ImportRun"/>).
/// </summary>
internal sealed class ImportTarget : IAsyncDisposable
{
    private ImportTarget(NpgsqlConnection connection, string description)
    {
        Connection = connection;
        Description = description;
    }

    public NpgsqlConnection Connection { get; }

    /// <summary>The target's user, host, port and database, safe to print.</summary>
    public string Description { get; }
    public ImportPlan Plan { get; private set; } = null!;

    public static async Task<ImportTarget> OpenAsync(SessionSource source, CancellationToken cancellationToken)
    {
        // The DETAIL of an error holds the offending key; Npgsql hides it unless asked.
        var connection = await source.WithErrorDetail().OpenAsync(cancellationToken).ConfigureAwait(false);
        return new ImportTarget(connection, source.Description);
    }

    /// <summary>Pre-flight against the target's catalog: everything it rejects is rejected before the first write.</summary>
    public async Task PlanAsync(ImportRequest request, IReadOnlyList<ImportTableSource> sources, ISeedLog log, CancellationToken cancellationToken)
    {
        try
        {
            var catalog = await CatalogReader.ReadAsync(Connection, null, cancellationToken).ConfigureAwait(false);
            var privileges = await TargetPrivileges.ReadAsync(Connection, catalog, cancellationToken).ConfigureAwait(false);
            var plan = await ImportPlanner.BuildAsync(Connection, request, sources, catalog, privileges, log, cancellationToken).ConfigureAwait(false);
            Plan = await ImportPrivileges.CheckAsync(Connection, plan, privileges.Role, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e)
        {
            throw ImportErrors.Other(e, "reading the target's catalog");
        }
        SeedImporter.LogPlan(Plan, request, log);
    }

    /// <summary>Loads every table in one transaction (a dry run logs the statements); returns a report per table, in load order.</summary>
    public async Task<IReadOnlyList<TableReport>> LoadAsync(ImportRequest request, ISeedLog log, CancellationToken cancellationToken)
    {
        var runner = new ImportRun(Connection, Plan, request.DryRun, log);
        var tables = await runner.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        return Plan.Tables.Zip(tables, (t, r) => r with { TreeParent = SeedImporter.TreeParentOf(t.Seed, Plan) }).ToList();
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
