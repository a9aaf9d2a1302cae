using PgSeed.Adapters;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Import;
using PgSeed.Engine.Seed;

namespace PgSeed.MSBuild.Engine;

/// <summary>The real engine: the same calls the CLI makes.</summary>
internal sealed class EngineOperations : ISeedOperations
{
    public static readonly EngineOperations Instance = new();

    public Task<ExportReport> ExportAsync(ExportRequest request, ISeedLog log, CancellationToken cancellationToken) =>
        SeedExporter.ExportAsync(EnvironmentSwitches.Apply(request), log, cancellationToken);

    public Task<ImportReport> ImportAsync(ImportRequest request, ISeedLog log, CancellationToken cancellationToken) =>
        SeedImporter.ImportAsync(request, log, cancellationToken);

    public Task<SeedVerification> VerifyAsync(string seedFolder, CancellationToken cancellationToken) =>
        SeedVerifier.VerifyAsync(seedFolder, cancellationToken);

    public Task<PgSeed.Engine.Diff.SeedCheckResult> CheckAsync(ExportRequest request, ISeedLog log, CancellationToken cancellationToken) =>
        PgSeed.Engine.Diff.SeedCheck.CheckAsync(EnvironmentSwitches.Apply(request), log, cancellationToken: cancellationToken);
}
