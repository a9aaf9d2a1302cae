using PgSeed.Engine.Export;

namespace PgSeed.MSBuild.Engine;

/// <summary>
/// Environment variables that set export options, as for the CLI (the engine itself reads no environment):
/// <c>PGSEED_PG_DUMP</c> (<see cref="ExportRequest.PgDump"/>) and <c>PGSEED_PROFILE=1</c> (<see cref="ExportRequest.Profile"/>).
/// </summary>
internal static class EnvironmentSwitches
{
    public const string PgDump = "PGSEED_PG_DUMP";
    public const string Profile = "PGSEED_PROFILE";

    public static ExportRequest Apply(ExportRequest request) => request with
    {
        PgDump = request.PgDump ?? (Environment.GetEnvironmentVariable(PgDump) is { Length: > 0 } value ? value : null),
        Profile = request.Profile || Environment.GetEnvironmentVariable(Profile) == "1",
    };
}
