namespace PgSeed.Engine.Diagnostics;

/// <summary>
/// How the engine's messages name an option: by the request property users of the library set
/// (<c>ExportRequest.Parallel</c>), with a value where one is meant (<c>ImportRequest.Mode = Truncate</c>). Each
/// adapter respells them in its own terms with <see cref="Respell"/> — the CLI as flags (<c>--parallel</c>,
/// <c>--truncate</c>), MSBuild as item metadata and properties — so nobody reads an option they never typed.
/// </summary>
public static class OptionNames
{
    /// <summary>Where a connection is resolved from text (<c>ConnectionResolver</c>), outside any request.</summary>
    public const string Connection = "a connection string";
    public const string ExportRoots = "ExportRequest.Roots";
    public const string ExportTable = "RootSelection.Table";
    public const string ExportFilter = "RootSelection.Filter";
    public const string ExportRaw = "RootSelection.Raw";
    public const string ExportOutputDirectory = "ExportRequest.OutputDirectory";
    public const string ExportParallel = "ExportRequest.Parallel";
    public const string ExportExcludedTables = "ExportRequest.ExcludedTables";
    public const string ExportExcludedEdges = "ExportRequest.ExcludedEdges";
    public const string ExportChildrenNone = "ExportRequest.Children = None";
    public const string ExportClosure = "ExportRequest.Closure";
    public const string ExportClosureServer = "ExportRequest.Closure = Server";
    public const string ExportClosureClient = "ExportRequest.Closure = Client";
    public const string ExportClosureKeyLimit = "ExportRequest.ClosureKeyLimit";
    public const string ExportStrict = "ExportRequest.Strict";
    public const string ExportAllowPii = "ExportRequest.AllowPii";
    public const string ExportConnection = "ExportRequest.ConnectionString";
    public const string ExportDataSource = "ExportRequest.DataSource";
    public const string ExportPgDump = "ExportRequest.PgDump";
    public const string ExportPgDumpNone = "ExportRequest.PgDump = none";
    public const string ExportProfile = "ExportRequest.Profile";
    public const string ImportConnection = "ImportRequest.ConnectionString";
    public const string ImportDataSource = "ImportRequest.DataSource";
    public const string ImportTruncate = "ImportRequest.Mode = Truncate";
    public const string ImportUpsert = "ImportRequest.Mode = Upsert";
    public const string ImportCascade = "ImportRequest.Cascade";
    public const string ImportDisableTriggers = "ImportRequest.DisableTriggers";
    public const string CopySource = "CopyRequest.Source";
    public const string CopyTarget = "CopyRequest.Target";
    public const string CopyTargetConnection = "CopyRequest.TargetConnectionString";
    public const string CopyTargetDataSource = "CopyRequest.TargetDataSource";
    public const string CopyParallel = "CopyRequest.Parallel";
    public const string UpgradeMigrations = "UpgradeRequest.MigrationsDirectory";
    public const string UpgradeMigrateCommand = "UpgradeRequest.MigrateCommand";
    public const string UpgradeSchema = "UpgradeRequest.SchemaFile";

    /// <summary>
    /// <paramref name="text"/> with every option name that <paramref name="spellings"/> knows replaced by its spelling
    /// (longest names first, so <c>ExportRequest.Closure = Server</c> wins over <c>ExportRequest.Closure</c>).
    /// </summary>
    public static string Respell(string text, IReadOnlyDictionary<string, string> spellings)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(spellings);
        foreach (var (name, spelling) in spellings.OrderByDescending(p => p.Key.Length))
            text = text.Replace(name, spelling, StringComparison.Ordinal);
        return text;
    }
}
