using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;

namespace PgSeed.MSBuild.Engine;

internal sealed partial class EngineOperations
{
    public Task<ExportReport> ExportAsync(ExportRequest request, ISeedLog log, CancellationToken cancellationToken) =>
        SeedExporter.ExportAsync(request, log, cancellationToken);
}
