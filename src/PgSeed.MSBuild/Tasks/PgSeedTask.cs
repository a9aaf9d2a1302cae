using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Npgsql;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;
using PgSeed.MSBuild.Engine;
using PgSeed.MSBuild.Items;
using PgSeed.MSBuild.Logging;

namespace PgSeed.MSBuild.Tasks;

/// <summary>
/// What the three PgSeed tasks share: the <c>PgSeed</c> items and <c>PgSeedOnly</c> filter, logging,
/// error mapping (every failure becomes an MSBuild error with a PGSEED code and help link) and
/// cancellation (Ctrl+C cancels the token; the engine then cancels the running query on the server).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "MSBuild never disposes tasks; the source only holds a token, reclaimed with the task.")]
public abstract class PgSeedTask : Microsoft.Build.Utilities.Task, ICancelableTask
{
    private readonly CancellationTokenSource _cancellation = new();

    /// <summary>The <c>@(PgSeed)</c> items: each is a seed folder, relative to <see cref="ProjectDirectory"/>.</summary>
    public ITaskItem[] Seeds { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>Directory relative seed folders are resolved against; defaults to the current directory.</summary>
    public string? ProjectDirectory { get; set; }

    /// <summary><c>PgSeedOnly</c>: names of the items to process (Include, folder name or Name metadata), separated by ';' or ','.</summary>
    public string? Only { get; set; }

    /// <summary>
    /// Set by the solution targets (PgSeedInSolution): names in <see cref="Only"/> that this project does not declare may be
    /// another project's; the solution target fails with PGSEED081 for a name no project declares (see <see cref="MatchedNames"/>).
    /// </summary>
    public bool InSolution { get; set; }

    /// <summary>The names of <see cref="Only"/> that matched a seed of this project, for the solution targets' check.</summary>
    [Output]
    public ITaskItem[] MatchedNames { get; private set; } = Array.Empty<ITaskItem>();

    /// <summary>True when a solution run's <see cref="Only"/> selected none of this project's seeds: nothing to do, and no warning.</summary>
    private protected bool NoneSelectedHere { get; private set; }

    /// <summary>The engine the task calls; replaced in unit tests.</summary>
    internal ISeedOperations Operations { get; set; } = EngineOperations.Instance;

    internal MSBuildSeedLog SeedLog => _seedLog ??= new MSBuildSeedLog(Log);
    private MSBuildSeedLog? _seedLog;

    /// <summary>Called by MSBuild on Ctrl+C.</summary>
    public void Cancel() => _cancellation.Cancel();

    /// <inheritdoc />
    public sealed override bool Execute()
    {
        try
        {
            // MSBuild gives tasks no synchronization context; Task.Run makes that explicit for any host.
            System.Threading.Tasks.Task.Run(() => RunAsync(_cancellation.Token)).GetAwaiter().GetResult();
        }
        catch (PgSeedException e)
        {
            SeedLog.Error(e);
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            SeedLog.Error(new PgSeedException(ErrorCode.Cancelled, $"{GetType().Name} was cancelled (a statement running on the server was cancelled too; nothing was half-written)."));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A server, connection or I/O error, or a bug: a coded error for the build, the full exception at low importance.
            SeedLog.Error(PgSeedErrors.From(e, $"running {GetType().Name}"));
            SeedLog.Message(MessageImportance.Low, e.ToString());
        }
        return !Log.HasLoggedErrors;
    }

    /// <summary>The task's work; throws <see cref="PgSeedException"/> for expected failures.</summary>
    private protected abstract System.Threading.Tasks.Task RunAsync(CancellationToken cancellationToken);

    /// <summary>Parses <see cref="Seeds"/> and applies <see cref="Only"/>.</summary>
    private protected IReadOnlyList<SeedItem> SelectedSeeds()
    {
        var all = SeedItemParser.ParseAll(Seeds, BaseDirectory);
        var selected = SeedFilter.Apply(all, Only, InSolution, out var matched);
        MatchedNames = matched.Select(n => (ITaskItem)new TaskItem(n)).ToArray();
        NoneSelectedHere = InSolution && selected.Count == 0 && !string.IsNullOrWhiteSpace(Only);
        if (NoneSelectedHere)
            SeedLog.Message(MessageImportance.Normal, $"PgSeed: this project declares none of the seeds PgSeedOnly names ({Only}).");
        if (all.Count > 0 && selected.Count < all.Count)
            SeedLog.Message(MessageImportance.Normal, $"PgSeedOnly: {selected.Count} of {all.Count} seeds selected.");
        return selected;
    }

    private protected string BaseDirectory =>
        string.IsNullOrWhiteSpace(ProjectDirectory) ? Directory.GetCurrentDirectory() : ProjectDirectory!;

    /// <summary>
    /// The connection: the PgSeedConnection property, else PGSEED_CONNECTION, else PG* variables. Warns when the
    /// property carries a password (properties are recorded in binlogs); logs only the safe description.
    /// </summary>
    private protected string ResolveConnection(string? property)
    {
        SplitConnectionCheck.Check(BuildEngine, property);
        var connectionString = ConnectionResolver.Resolve(property);
        if (!string.IsNullOrWhiteSpace(property) && HasPassword(connectionString))
            SeedLog.Warning(ErrorCode.PasswordInProperty,
                "PgSeedConnection contains a password, and MSBuild properties are recorded in binary logs. Pass the password through PGPASSWORD (or a .pgpass file) instead.");
        SeedLog.Message(MessageImportance.Normal, $"PgSeed: connecting to {ConnectionResolver.Describe(connectionString)}");
        return connectionString;
    }

    private static bool HasPassword(string connectionString)
    {
        try { return !string.IsNullOrEmpty(new NpgsqlConnectionStringBuilder(connectionString).Password); }
        catch (ArgumentException) { return false; }
    }

    /// <summary>Runs one seed's work, reporting its failure as an error and carrying on with the next seed.</summary>
    private protected async Task<bool> RunSeedAsync(SeedItem seed, Func<System.Threading.Tasks.Task> work, CancellationToken cancellationToken)
    {
        try
        {
            await work().ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not OperationCanceledException and not OutOfMemoryException)
        {
            SeedLog.Error(PgSeedErrors.From(e), seed.DefiningProject);
            return false;
        }
    }
}
