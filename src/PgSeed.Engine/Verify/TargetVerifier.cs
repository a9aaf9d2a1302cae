using Npgsql;
using PgSeed.Engine.Catalog;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Import;
using PgSeed.Engine.Seed;

namespace PgSeed.Engine.Verify;

/// <summary>The outcome of <see cref="TargetVerifier"/>.VerifyAsync.</summary>
public sealed record TargetVerification
{
    /// <summary>The target database, described without its password.</summary>
    public required string Target { get; init; }

    /// <summary>Problems that stop an import: the offline checks', the schema drift's, the rehearsed import's.</summary>
    public required IReadOnlyList<PgSeedException> Errors { get; init; }

    /// <summary>Drift the import absorbs (PGSEED038) and the import's own warnings.</summary>
    public required IReadOnlyList<PgSeedException> Warnings { get; init; }

    /// <summary>The rehearsed import, when it ran and succeeded (it was rolled back).</summary>
    public ImportReport? Import { get; init; }

    /// <summary>No errors: the seed would import into the target.</summary>
    public bool Ok => Errors.Count == 0;
}

/// <summary>
/// <c>pgseed verify --against</c>: the offline checks, then the seed compared with a target database's schema, then a
/// rehearsed import into it — the whole import, FK checks included, in a transaction that is always rolled back.
/// Meant for CI: an empty database migrated to the branch's schema tells whether the migrations broke the seeds.
/// </summary>
public static class TargetVerifier
{
    /// <summary>Checks that the seed in <paramref name="seedFolder"/> would import into the target database, changing nothing there.</summary>
    /// <param name="seedFolder">The seed folder.</param>
    /// <param name="connectionString">Npgsql connection string of the target database.</param>
    /// <param name="mode">The import mode to rehearse.</param>
    /// <param name="log">Receives progress; null for none.</param>
    /// <param name="cancellationToken">Cancels the checks (and their server queries).</param>
    // RS0026: the overloads differ in a required parameter's type (string or NpgsqlDataSource), so no call is ambiguous.
#pragma warning disable RS0026
    public static Task<TargetVerification> VerifyAsync(string seedFolder, string connectionString, ImportMode mode = ImportMode.Append,
        ISeedLog? log = null, CancellationToken cancellationToken = default) =>
        VerifyAsync(seedFolder, new ImportRequest { ConnectionString = connectionString, SeedDirectory = seedFolder, Mode = mode }, log, cancellationToken);

    /// <summary>As <see cref="VerifyAsync(string, string, ImportMode, ISeedLog?, CancellationToken)"/>, the target given as a data source (never disposed here).</summary>
    public static Task<TargetVerification> VerifyAsync(string seedFolder, NpgsqlDataSource dataSource, ImportMode mode = ImportMode.Append,
        ISeedLog? log = null, CancellationToken cancellationToken = default) =>
        VerifyAsync(seedFolder, new ImportRequest { DataSource = dataSource, SeedDirectory = seedFolder, Mode = mode }, log, cancellationToken);
#pragma warning restore RS0026

    private static Task<TargetVerification> VerifyAsync(string seedFolder, ImportRequest rehearsal, ISeedLog? log, CancellationToken cancellationToken) =>
        ErrorBoundary.RunAsync(() => RunAsync(seedFolder, rehearsal, log ?? NullSeedLog.Instance, cancellationToken), e => PgSeedErrors.From(e, "verifying the seed against the target"),
            cancellationToken);

    private static async Task<TargetVerification> RunAsync(string seedFolder, ImportRequest rehearsal, ISeedLog log, CancellationToken cancellationToken)
    {
        var sessions = rehearsal.SessionSource;
        var target = sessions.Description;
        var offline = await SeedVerifier.VerifyAsync(seedFolder, cancellationToken).ConfigureAwait(false);
        if (!offline.Ok) return new TargetVerification { Target = target, Errors = offline.Problems, Warnings = [] };

        DatabaseCatalog catalog;
        var connection = await sessions.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
            catalog = await CatalogReader.ReadAsync(connection, null, cancellationToken).ConfigureAwait(false);
        var (errors, warnings) = SchemaDrift.Compare(offline.Manifest, catalog, seedFolder);
        if (errors.Count > 0) return new TargetVerification { Target = target, Errors = errors, Warnings = warnings };

        var importWarnings = new WarningLog(log);
        try
        {
            var report = await SeedImporter.ImportAsync(rehearsal with { Rehearse = true }, importWarnings, cancellationToken).ConfigureAwait(false);
            return new TargetVerification { Target = target, Errors = [], Warnings = [.. warnings, .. importWarnings.Warnings], Import = report };
        }
        catch (PgSeedException e)
        {
            return new TargetVerification { Target = target, Errors = [e], Warnings = [.. warnings, .. importWarnings.Warnings] };
        }
    }

    /// <summary>Keeps the import's warnings for the result; passes its progress on.</summary>
    private sealed class WarningLog(ISeedLog inner) : ISeedLog
    {
        private readonly List<PgSeedException> _warnings = new();

        public IReadOnlyList<PgSeedException> Warnings { get { lock (_warnings) return _warnings.ToArray(); } }

        public void Summary(string message) => inner.Detail(message);
        public void Detail(string message) => inner.Detail(message);
        public void Sql(string sql) => inner.Sql(sql);
        public void Warning(string code, string message) { lock (_warnings) _warnings.Add(new PgSeedException(code, message)); }
    }
}
