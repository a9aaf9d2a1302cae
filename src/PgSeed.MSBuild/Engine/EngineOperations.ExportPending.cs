using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;

namespace PgSeed.MSBuild.Engine;

// Compiled only while the engine has no SeedExporter yet (see the csproj); removed once export lands on main.
internal sealed partial class EngineOperations
{
    public Task<ExportReport> ExportAsync(ExportRequest request, ISeedLog log, CancellationToken cancellationToken) =>
        throw new PgSeedException(ErrorCode.Internal, "This build of PgSeed has no export engine yet.");
}
