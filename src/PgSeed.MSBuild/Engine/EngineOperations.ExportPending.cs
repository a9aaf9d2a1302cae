using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;

namespace PgSeed.MSBuild.Engine;

// Compiled only while the engine has no SeedExporter yet (see the csproj); removed once export lands on main.
internal sealed partial class EngineOperations
{
    /// <summary>Whether this build has the export engine (tests that need it skip otherwise).</summary>
    public const bool HasExporter = false;

    public Task<ExportReport> ExportAsync(ExportRequest request, ISeedLog log, CancellationToken cancellationToken) =>
        throw new PgSeedException(ErrorCode.Internal, "This build of PgSeed has no export engine yet.");
}
