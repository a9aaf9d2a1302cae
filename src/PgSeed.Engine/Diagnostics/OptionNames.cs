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
    /// <summary><c>ExportRequest.Roots</c>.</summary>
    public const string ExportRoots = "ExportRequest.Roots";
    /// <summary><c>RootSelection.Table</c>.</summary>
    public const string ExportTable = "RootSelection.Table";
    /// <summary><c>RootSelection.Filter</c>.</summary>
    public const string ExportFilter = "RootSelection.Filter";
    /// <summary><c>RootSelection.Raw</c>.</summary>
    public const string ExportRaw = "RootSelection.Raw";
    /// <summary><c>ExportRequest.OutputDirectory</c>.</summary>
    public const string ExportOutputDirectory = "ExportRequest.OutputDirectory";
    /// <summary><c>ExportRequest.Parallel</c>.</summary>
    public const string ExportParallel = "ExportRequest.Parallel";
    /// <summary><c>ExportRequest.ExcludedTables</c>.</summary>
    public const string ExportExcludedTables = "ExportRequest.ExcludedTables";
    /// <summary><c>ExportRequest.ExcludedEdges</c>.</summary>
    public const string ExportExcludedEdges = "ExportRequest.ExcludedEdges";
    /// <summary><c>ExportRequest.Children = None</c>.</summary>
    public const string ExportChildrenNone = "ExportRequest.Children = None";
    /// <summary><c>ExportRequest.Closure</c>.</summary>
    public const string ExportClosure = "ExportRequest.Closure";
    /// <summary><c>ExportRequest.Closure = Server</c>.</summary>
    public const string ExportClosureServer = "ExportRequest.Closure = Server";
    /// <summary><c>ExportRequest.Closure = Client</c>.</summary>
    public const string ExportClosureClient = "ExportRequest.Closure = Client";
    /// <summary><c>ExportRequest.ClosureKeyLimit</c>.</summary>
    public const string ExportClosureKeyLimit = "ExportRequest.ClosureKeyLimit";
    /// <summary><c>ExportRequest.Strict</c>.</summary>
    public const string ExportStrict = "ExportRequest.Strict";
    /// <summary><c>ExportRequest.AllowPii</c>.</summary>
    public const string ExportAllowPii = "ExportRequest.AllowPii";
    /// <summary><c>ExportRequest.ConnectionString</c>.</summary>
    public const string ExportConnection = "ExportRequest.ConnectionString";
    /// <summary><c>ExportRequest.DataSource</c>.</summary>
    public const string ExportDataSource = "ExportRequest.DataSource";
    /// <summary><c>ExportRequest.PgDump</c>.</summary>
    public const string ExportPgDump = "ExportRequest.PgDump";
    /// <summary><c>ExportRequest.PgDump = none</c>.</summary>
    public const string ExportPgDumpNone = "ExportRequest.PgDump = none";
    /// <summary><c>ExportRequest.Profile</c>.</summary>
    public const string ExportProfile = "ExportRequest.Profile";
    /// <summary><c>ImportRequest.ConnectionString</c>.</summary>
    public const string ImportConnection = "ImportRequest.ConnectionString";
    /// <summary><c>ImportRequest.DataSource</c>.</summary>
    public const string ImportDataSource = "ImportRequest.DataSource";
    /// <summary><c>ImportRequest.Mode = Truncate</c>.</summary>
    public const string ImportTruncate = "ImportRequest.Mode = Truncate";
    /// <summary><c>ImportRequest.Mode = Upsert</c>.</summary>
    public const string ImportUpsert = "ImportRequest.Mode = Upsert";
    /// <summary><c>ImportRequest.Cascade</c>.</summary>
    public const string ImportCascade = "ImportRequest.Cascade";
    /// <summary><c>ImportRequest.DisableTriggers</c>.</summary>
    public const string ImportDisableTriggers = "ImportRequest.DisableTriggers";
    /// <summary><c>CopyRequest.Source</c>.</summary>
    public const string CopySource = "CopyRequest.Source";
    /// <summary><c>CopyRequest.Target</c>.</summary>
    public const string CopyTarget = "CopyRequest.Target";
    /// <summary><c>CopyRequest.TargetConnectionString</c>.</summary>
    public const string CopyTargetConnection = "CopyRequest.TargetConnectionString";
    /// <summary><c>CopyRequest.TargetDataSource</c>.</summary>
    public const string CopyTargetDataSource = "CopyRequest.TargetDataSource";
    /// <summary><c>CopyRequest.Parallel</c>.</summary>
    public const string CopyParallel = "CopyRequest.Parallel";
    /// <summary><c>UpgradeRequest.MigrationsDirectory</c>.</summary>
    public const string UpgradeMigrations = "UpgradeRequest.MigrationsDirectory";
    /// <summary><c>UpgradeRequest.MigrateCommand</c>.</summary>
    public const string UpgradeMigrateCommand = "UpgradeRequest.MigrateCommand";
    /// <summary><c>UpgradeRequest.SchemaFile</c>.</summary>
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
