using PgSeed.Adapters;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.MSBuild.Logging;

/// <summary>
/// The MSBuild spelling of the request properties engine messages name (<see cref="OptionNames"/>): the metadata of
/// a <c>PgSeed</c> item and the <c>PgSeed*</c> properties users set in their project.
/// </summary>
internal static class MSBuildOptionNames
{
    public static readonly IReadOnlyDictionary<string, string> Spellings = new Dictionary<string, string>
    {
        [OptionNames.Connection] = "PgSeedConnection",
        [OptionNames.ExportRoots] = "the Table metadata of the PgSeed item",
        [OptionNames.ExportTable] = "Table metadata",
        [OptionNames.ExportFilter] = "Filter metadata",
        [OptionNames.ExportRaw] = "Raw metadata",
        [OptionNames.ExportOutputDirectory] = "the PgSeed item's folder",
        [OptionNames.ExportParallel] = "PgSeedParallel (or Parallel metadata)",
        [OptionNames.ExportExcludedTables] = "the excluded tables of the seed definition",
        [OptionNames.ExportExcludedEdges] = "ExcludeEdges metadata",
        [OptionNames.ExportChildrenNone] = "Children=\"none\" metadata",
        [OptionNames.ExportClosure] = "the seed definition's closure",
        [OptionNames.ExportClosureServer] = "closure \"server\"",
        [OptionNames.ExportClosureClient] = "closure \"client\"",
        [OptionNames.ExportClosureKeyLimit] = "the seed definition's closure key limit",
        [OptionNames.ExportStrict] = "Strict metadata",
        [OptionNames.ExportAllowPii] = "AllowPii metadata",
        [OptionNames.ExportConnection] = "PgSeedConnection",
        [OptionNames.ExportDataSource] = "PgSeedConnection",
        [OptionNames.ExportPgDump] = EnvironmentSwitches.PgDump,
        [OptionNames.ExportPgDumpNone] = EnvironmentSwitches.PgDump + "=none",
        [OptionNames.ExportProfile] = EnvironmentSwitches.Profile + "=1",
        [OptionNames.ImportConnection] = "PgSeedConnection",
        [OptionNames.ImportDataSource] = "PgSeedConnection",
        [OptionNames.ImportTruncate] = "PgSeedImportMode=truncate",
        [OptionNames.ImportUpsert] = "PgSeedImportMode=upsert",
        [OptionNames.ImportCascade] = "PgSeedImportCascade",
        [OptionNames.ImportDisableTriggers] = "PgSeedImportDisableTriggers",
    };

    public static string Respell(string text) => OptionNames.Respell(text, Spellings);
}
