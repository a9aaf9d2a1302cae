using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Import;
using PgSeed.Engine.Seed;

namespace PgSeed.MSBuild.Engine;

/// <summary>
/// The engine calls the tasks make. A seam so the tasks' own logic (item parsing, filtering, logging,
/// cancellation, error mapping) can be unit-tested without a database; production uses <see cref="EngineOperations"/>.
/// </summary>
internal interface ISeedOperations
{
    Task<ExportReport> ExportAsync(ExportRequest request, ISeedLog log, CancellationToken cancellationToken);

    Task<ImportReport> ImportAsync(ImportRequest request, ISeedLog log, CancellationToken cancellationToken);

    Task<SeedVerification> VerifyAsync(string seedFolder, CancellationToken cancellationToken);

    Task<PgSeed.Engine.Diff.SeedCheckResult> CheckAsync(ExportRequest request, ISeedLog log, CancellationToken cancellationToken);
}
