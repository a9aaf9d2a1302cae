using PgSeed.Engine.Export;
using PgSeed.Engine.Upgrade;

namespace PgSeed.Adapters;

/// <summary>
/// Environment variables that set request options (the engine itself reads no environment): <c>PGSEED_PG_DUMP</c>
/// (<see cref="ExportRequest.PgDump"/>) and <c>PGSEED_PROFILE=1</c> (<see cref="ExportRequest.Profile"/>). An option
/// the request already has wins. Compiled into both adapters that read them (the CLI and the MSBuild tasks).
/// </summary>
internal static class EnvironmentSwitches
{
    public const string PgDump = "PGSEED_PG_DUMP";
    public const string Profile = "PGSEED_PROFILE";

    public static ExportRequest Apply(ExportRequest request) => request with
    {
        PgDump = request.PgDump ?? PgDumpFromEnvironment(),
        Profile = request.Profile || ProfileFromEnvironment(),
    };

    public static UpgradeRequest Apply(UpgradeRequest request) => request with { PgDump = request.PgDump ?? PgDumpFromEnvironment() };

    private static string? PgDumpFromEnvironment() => Environment.GetEnvironmentVariable(PgDump) is { Length: > 0 } value ? value : null;

    private static bool ProfileFromEnvironment() => Environment.GetEnvironmentVariable(Profile) == "1";
}
