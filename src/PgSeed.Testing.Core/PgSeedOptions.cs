using Npgsql;
using PgSeed.Engine.Import;
using PgSeed.Testing.Servers;

namespace PgSeed.Testing;

/// <summary>
/// What a <see cref="PgSeedDatabase"/> (or xUnit <c>PgSeedFixture</c>) builds: schema steps, seeds, server and reset strategy. Filled in by
/// <see cref="PgSeedDatabase"/>'s <c>Configure</c>; every method returns the options so calls chain.
/// Relative paths resolve against <see cref="AppContext.BaseDirectory"/> (the test output folder) first,
/// then the current directory.
/// </summary>
public sealed class PgSeedOptions
{
    private readonly List<SchemaStep> _schemaSteps = new();
    private readonly List<SeedStep> _seeds = new();

    /// <summary>Schema steps, in the order they run against the template database.</summary>
    internal IReadOnlyList<SchemaStep> SchemaSteps => _schemaSteps;

    /// <summary>Seed folders imported after the schema, in order.</summary>
    internal IReadOnlyList<SeedStep> Seeds => _seeds;

    /// <summary>The server, when not the shared one from <see cref="TestServers.StartAsync"/>.</summary>
    internal Func<CancellationToken, Task<IPostgresServer>>? ServerProvider { get; private set; }

    /// <summary>True when the fixture disposes the server (it started it through a provider).</summary>
    internal bool OwnsServer { get; private set; }

    /// <summary>How the database is brought back to the seeded state. Default <see cref="Testing.ResetStrategy.ChangeCapture"/>.</summary>
    internal Testing.ResetStrategy Strategy { get; private set; } = Testing.ResetStrategy.ChangeCapture;

    /// <summary>
    /// True after <see cref="SingleDatabase"/>: the fixture has one database that every test shares and
    /// <see cref="PgSeedDatabase.ResetAsync"/> resets. False (default): each test leases a database of its own from a
    /// pool of template clones, so tests running in parallel never share one.
    /// </summary>
    internal bool UsesSingleDatabase { get; private set; }

    /// <summary>True when a failed test's changes are reported (also when <c>PGSEED_EXPLAIN_FAILED=1</c>).</summary>
    internal bool ExplainsFailures { get; private set; }

    /// <summary>
    /// With <see cref="ResetStrategy.ChangeCapture"/>: when a test changed more than this fraction of a
    /// table's seeded rows, the table is reloaded whole instead of row by row. Default 0.5.
    /// </summary>
    internal double ReloadThreshold { get; private set; } = 0.5;

    /// <summary>Where the fixture reports what it did and how long it took (template build phases, fallbacks, kept databases).</summary>
    internal Action<string>? LogSink { get; private set; }

    /// <summary>
    /// What <see cref="DataSource"/> configured: applied to every data source PgSeed builds for the tests (the fixture's and
    /// each lease's <c>DataSource</c>) and for migrations it runs itself. Null when not configured.
    /// </summary>
    public Action<NpgsqlDataSourceBuilder>? DataSourceConfiguration { get; private set; }

    /// <summary>
    /// Configures the data sources PgSeed builds (the fixture's and each lease's <c>DataSource</c>), e.g. type mappings
    /// EF Core needs: <c>o.DataSource(b => b.MapEnum&lt;OrderStatus&gt;("order_status"))</c>. Hand that data source to EF
    /// (<c>UseNpgsql(fixture.DataSource, ...)</c>): PgSeed clears its pool whenever it re-creates the database, so no
    /// query meets a connection the server ended. Several calls apply in order.
    /// </summary>
    public PgSeedOptions DataSource(Action<NpgsqlDataSourceBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        DataSourceConfiguration += configure;
        return this;
    }

    /// <summary>Sends the fixture's progress lines to <paramref name="log"/> (default: xUnit diagnostic messages with PgSeed.Testing, nowhere with the neutral <see cref="PgSeedDatabase"/>).</summary>
    public PgSeedOptions Log(Action<string> log)
    {
        LogSink = log ?? throw new ArgumentNullException(nameof(log));
        return this;
    }

    /// <summary>Runs a SQL script (e.g. <c>db/schema.sql</c>) against the template database.</summary>
    public PgSeedOptions Schema(string scriptPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scriptPath);
        _schemaSteps.Add(new SchemaStep(scriptPath, null));
        return this;
    }

    /// <summary>
    /// Builds the schema with your own code, e.g. EF Core or DbUp migrations. The callback receives the
    /// template database's connection string. Fixtures share a template only when their callbacks are the same method
    /// with equal captured values: PgSeed keys what the callback captures (strings, numbers, enums, ... and closures of
    /// them). A callback capturing anything else (a service, an options object) needs <see cref="Schema(Func{string, CancellationToken, Task}, string)"/>
    /// with a key; without one the fixture fails with <c>PGSEED068</c> rather than risk sharing a template built by another
    /// callback.
    /// </summary>
    public PgSeedOptions Schema(Func<string, CancellationToken, Task> migrate)
    {
        ArgumentNullException.ThrowIfNull(migrate);
        _schemaSteps.Add(new SchemaStep(null, migrate));
        return this;
    }

    /// <summary>
    /// <see cref="Schema(Func{string, CancellationToken, Task})"/> with an explicit template key: callbacks of the same method share
    /// a template exactly when their keys are equal, whatever they capture. Give a key that changes whenever the schema the
    /// callback builds changes, e.g. the migration it migrates to.
    /// </summary>
    public PgSeedOptions Schema(Func<string, CancellationToken, Task> migrate, string key)
    {
        ArgumentNullException.ThrowIfNull(migrate);
        ArgumentNullException.ThrowIfNull(key);
        _schemaSteps.Add(new SchemaStep(null, migrate) { Key = key });
        return this;
    }

    /// <summary>Imports a seed folder (with its pgseed.json) through the PgSeed engine. Several seeds load in order.</summary>
    public PgSeedOptions Seed(string seedFolder, ImportMode mode = ImportMode.Append)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(seedFolder);
        _seeds.Add(new SeedStep(seedFolder, mode));
        return this;
    }

    /// <summary>Uses a server you created (not disposed by the fixture).</summary>
    public PgSeedOptions Server(IPostgresServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        ServerProvider = _ => Task.FromResult(server);
        OwnsServer = false;
        return this;
    }

    /// <summary>Starts a server through a provider (e.g. a container package); the fixture disposes it.</summary>
    public PgSeedOptions Server(Func<CancellationToken, Task<IPostgresServer>> provider)
    {
        ServerProvider = provider ?? throw new ArgumentNullException(nameof(provider));
        OwnsServer = true;
        return this;
    }

    /// <summary>
    /// One database for every test of the fixture, reset by <see cref="PgSeedDatabase.ResetAsync"/> (the mode before
    /// leases existed). Tests that write must then not run in parallel with each other. Default: per-test leases.
    /// </summary>
    public PgSeedOptions SingleDatabase()
    {
        UsesSingleDatabase = true;
        return this;
    }

    /// <summary>
    /// When a test fails, report what it changed relative to the seed (per table: inserted, deleted and updated keys,
    /// changed columns old → new) to the test's output. Same as setting <c>PGSEED_EXPLAIN_FAILED=1</c>.
    /// Needs <see cref="Testing.ResetStrategy.ChangeCapture"/>.
    /// </summary>
    public PgSeedOptions ExplainFailures(bool explain = true)
    {
        ExplainsFailures = explain;
        return this;
    }

    /// <summary>Chooses how <see cref="PgSeedDatabase.ResetAsync"/> works. Default <see cref="Testing.ResetStrategy.ChangeCapture"/>.</summary>
    public PgSeedOptions ResetStrategy(Testing.ResetStrategy strategy)
    {
        Strategy = strategy;
        return this;
    }

    /// <summary>Sets <see cref="ReloadThreshold"/> (0 &lt; fraction &lt;= 1).</summary>
    public PgSeedOptions ReloadWhenChanged(double fraction)
    {
        if (fraction is <= 0 or > 1 || double.IsNaN(fraction))
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "Use a fraction in (0, 1].");
        ReloadThreshold = fraction;
        return this;
    }
}

/// <summary>One schema step: a script path or a migration callback.</summary>
internal sealed record SchemaStep(string? ScriptPath, Func<string, CancellationToken, Task>? Migrate)
{
    /// <summary>The callback's explicit template key, if given (else what it captures is keyed).</summary>
    public string? Key { get; init; }
}

/// <summary>One seed folder and how it is imported.</summary>
internal sealed record SeedStep(string Folder, ImportMode Mode);
