using PgSeed.Adapters;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Cli;

/// <summary>
/// The CLI's spelling of the request properties engine messages name (<see cref="OptionNames"/>): the flags and
/// environment variables a <c>pgseed</c> user typed.
/// </summary>
internal static class CliOptionNames
{
    public static readonly IReadOnlyDictionary<string, string> Spellings = new Dictionary<string, string>
    {
        [OptionNames.Connection] = "--connection",
        [OptionNames.ExportRoots] = "--table",
        [OptionNames.ExportTable] = "--table",
        [OptionNames.ExportFilter] = "--filter",
        [OptionNames.ExportRaw] = "--raw",
        [OptionNames.ExportOutputDirectory] = "--out",
        [OptionNames.ExportParallel] = "--parallel",
        [OptionNames.ExportExcludedTables] = "--exclude-table",
        [OptionNames.ExportExcludedEdges] = "--exclude-edge",
        [OptionNames.ExportChildrenNone] = "--children none",
        [OptionNames.ExportClosure] = "--closure",
        [OptionNames.ExportClosureServer] = "--closure server",
        [OptionNames.ExportClosureClient] = "--closure client",
        [OptionNames.ExportClosureKeyLimit] = "--closure-key-limit",
        [OptionNames.ExportStrict] = "--strict",
        [OptionNames.ExportAllowPii] = "--allow-pii",
        [OptionNames.ExportConnection] = "--connection",
        [OptionNames.ExportDataSource] = "--connection",
        [OptionNames.ExportPgDump] = EnvironmentSwitches.PgDump,
        [OptionNames.ExportPgDumpNone] = EnvironmentSwitches.PgDump + "=none",
        [OptionNames.ExportProfile] = EnvironmentSwitches.Profile + "=1",
        [OptionNames.ImportConnection] = "--connection",
        [OptionNames.ImportDataSource] = "--connection",
        [OptionNames.ImportTruncate] = "--truncate",
        [OptionNames.ImportUpsert] = "--upsert",
        [OptionNames.ImportCascade] = "--cascade",
        [OptionNames.ImportDisableTriggers] = "--disable-triggers",
        [OptionNames.CopySource] = "--from",
        [OptionNames.CopyTarget] = "--to",
        [OptionNames.CopyTargetConnection] = "--to",
        [OptionNames.CopyTargetDataSource] = "--to",
        [OptionNames.CopyParallel] = "--parallel",
        [OptionNames.UpgradeMigrations] = "--migrations",
        [OptionNames.UpgradeMigrateCommand] = "--migrate-command",
        [OptionNames.UpgradeSchema] = "--schema",
    };

    public static string Respell(string text) => OptionNames.Respell(text, Spellings);
}
