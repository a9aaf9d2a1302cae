using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;

namespace PgSeed.MSBuild.Engine;

internal sealed partial class EngineOperations
{
    /// <summary>Whether this build has the export engine (tests that need it skip otherwise).</summary>
    public const bool HasExporter = true;

    public Task<ExportReport> ExportAsync(ExportRequest request, ISeedLog log, CancellationToken cancellationToken) =>
        SeedExporter.ExportAsync(request, log, cancellationToken);
}
