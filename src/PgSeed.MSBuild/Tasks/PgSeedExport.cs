using Microsoft.Build.Framework;
using PgSeed.Engine.Config;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.MSBuild.Items;
using PgSeed.MSBuild.Logging;

namespace PgSeed.MSBuild.Tasks;

/// <summary>
/// Exports every selected <c>PgSeed</c> item to its seed folder with <c>SeedExporter.ExportAsync</c>, exactly as
/// <c>pgseed export</c> does. A failing seed is reported and the others still run.
/// </summary>
public sealed class PgSeedExport : PgSeedTask
{
    /// <summary>Connection string (PgSeedConnection). Empty: PGSEED_CONNECTION, then PG* variables.</summary>
    public string? Connection { get; set; }

    /// <summary>Default parallelism (PgSeedParallel) for items without Parallel metadata.</summary>
    public string? Parallel { get; set; }

    /// <summary>The project file's name (MSBuildProjectFile), for the refresh command in each seed's README.</summary>
    public string? ProjectFile { get; set; }

    /// <summary>Print the plan and SQL without reading data or writing files (PgSeedDryRun).</summary>
    public bool DryRun { get; set; }

    /// <summary>
    /// The project's C# sources (<c>@(Compile)</c>), searched for EF Core migrations when the source database has an
    /// <c>__EFMigrationsHistory</c>; or, when <see cref="EfMigrations"/> is set, that folder's files instead.
    /// </summary>
    public ITaskItem[] SourceFiles { get; set; } = Array.Empty<ITaskItem>();

    /// <summary><c>PgSeedEfMigrations</c>: a folder holding the EF Core migrations (e.g. in another project), relative to the project.</summary>
    public string? EfMigrations { get; set; }

    /// <summary>
    /// Compare instead of writing (the PgSeedCheck target, or PgSeedCheck=true): export into a temporary folder, and fail
    /// with PGSEED024 for each seed folder that differs, one message line per changed table. No seed folder is written.
    /// </summary>
    public bool Check { get; set; }

    /// <summary>The seed folders written (with their metadata), for targets that run after this one.</summary>
    [Output]
    public ITaskItem[] ExportedSeeds { get; private set; } = Array.Empty<ITaskItem>();

    private protected override async System.Threading.Tasks.Task RunAsync(CancellationToken cancellationToken)
    {
        SplitConnectionCheck.Check(BuildEngine, Connection);
        var seeds = SelectedSeeds();
        if (seeds.Count == 0)
        {
            if (NoneSelectedHere) return;
            SeedLog.Warning(ErrorCode.NoSeedItems, "No PgSeed items to export. Declare seeds as <PgSeed Include=\"seeds/name\" Table=\"...\" /> items.");
            return;
        }
        var defaultParallel = SeedItemParser.ParseParallel(Parallel, "PgSeedParallel", null);
        // Resolved when first needed: seeds from a definition file may bring their own connection.
        string? connection = null;
        string Connect() => connection ??= ResolveConnection(Connection);
        var exported = new List<ITaskItem>();
        IReadOnlyList<string>? migrationIds = null;
        foreach (var seed in seeds)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ok = await RunSeedAsync(seed, async () =>
            {
                ExportRequest request;
                if (seed.Config is not null)
                {
                    // The definition file describes the seed; the item says where it goes.
                    var name = seed.Name ?? Path.GetFileName(seed.Folder);
                    var entry = SeedConfig.Select(SeedConfig.Load(seed.Config), [name]).Single();
                    request = entry.ToExportRequest(string.IsNullOrWhiteSpace(Connection) ? null : Connect())
                        with { OutputDirectory = seed.Folder, DryRun = DryRun };
                }
                else
                {
                    if (seed.Roots.Count == 0)
                        throw new PgSeedException(ErrorCode.BuildItemInvalid,
                            $"PgSeed item '{seed.Spec}': set Table (the root table, e.g. Table=\"public.customer\") or Config (a seed definition file) to export it.")
                            { File = seed.DefiningProject };
                    request = new ExportRequest
                    {
                        ConnectionString = Connect(),
                        Roots = seed.Roots,
                        Children = seed.Children,
                        ExcludedEdges = seed.ExcludedEdges,
                        Schemas = seed.Schemas,
                        OutputDirectory = seed.Folder,
                        DryRun = DryRun,
                        AllowPii = seed.AllowPii,
                        Strict = seed.Strict,
                    };
                }
                // Unset: the engine's default.
                if ((seed.Parallel ?? defaultParallel) is int parallel) request = request with { Parallel = parallel };
                request = request with { SeedName = seed.Name ?? Path.GetFileName(seed.Folder), RefreshCommand = RefreshCommand(seed) };
                var log = new SeedScopedLog(SeedLog, seed.Spec);
                if (Check)
                {
                    await CheckAsync(seed, request, log, cancellationToken).ConfigureAwait(false);
                    return;
                }
                var report = await Operations.ExportAsync(request, log, cancellationToken).ConfigureAwait(false);
                // The engine logs the tree and summary of a real export; a dry run returns its plan instead.
                if (report.DryRun && !string.IsNullOrEmpty(report.Tree)) log.Detail(report.Tree);
                if (!log.WroteSummary)
                    log.Summary($"{(report.DryRun ? "dry run, would export" : "exported")} {report.Tables.Count} tables, " +
                                $"{SummaryTree.Count(report.TotalRows)} rows, {SummaryTree.Size(report.TotalBytes)} in {SummaryTree.Time(report.Elapsed)}");
                if (report.EfMigration is { } efMigration)
                {
                    migrationIds ??= EfMigrationCheck.FindIds(MigrationSources());
                    if (EfMigrationCheck.Compare(efMigration, migrationIds) is { } mismatch) log.Warning(ErrorCode.MigrationsDiffer, mismatch);
                    else if (migrationIds.Count == 0)
                        log.Detail($"the database is at EF Core migration {efMigration}; no migrations found in this project's sources to compare " +
                                   "(set PgSeedEfMigrations to the folder holding them)");
                }
            }, cancellationToken).ConfigureAwait(false);
            if (ok && !Check) exported.Add(SeedTaskItems.For(seed));
        }
        ExportedSeeds = exported.ToArray();
    }

    private IEnumerable<string> MigrationSources() =>
        string.IsNullOrWhiteSpace(EfMigrations)
            ? SourceFiles.Select(f => f.GetMetadata("FullPath"))
            : Directory.Exists(Path.Combine(BaseDirectory, EfMigrations!))
                ? Directory.EnumerateFiles(Path.Combine(BaseDirectory, EfMigrations!), "*.cs", SearchOption.AllDirectories)
                : throw new PgSeedException(ErrorCode.BuildItemInvalid, $"PgSeedEfMigrations names the folder '{EfMigrations}', which does not exist.");

    /// <summary>The build command that re-exports one seed, for its README (the folder name selects it wherever the root is).</summary>
    private string RefreshCommand(SeedItem seed)
    {
        var project = string.IsNullOrWhiteSpace(ProjectFile) ? "" : Path.GetFileName(ProjectFile) + " ";
        return $"dotnet build {project}-t:PgSeedExport -p:PgSeedOnly={seed.Name ?? Path.GetFileName(seed.Folder)}";
    }

    private async System.Threading.Tasks.Task CheckAsync(SeedItem seed, ExportRequest request, SeedScopedLog log, CancellationToken cancellationToken)
    {
        var result = await Operations.CheckAsync(request, log, cancellationToken).ConfigureAwait(false);
        if (result.UpToDate)
        {
            log.Summary("up to date");
            return;
        }
        throw new PgSeedException(ErrorCode.SeedStale,
            $"{seed.Spec} is out of date; run PgSeedExport to refresh it:\n  " + string.Join("\n  ", result.Changes)) { File = seed.DefiningProject };
    }
}
