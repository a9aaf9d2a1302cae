using Npgsql;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Export;

/// <summary>Which rows are exported below the roots.</summary>
public enum ChildrenMode
{
    /// <summary>Rows that reference exported root rows, and their descendants (each with its parents).</summary>
    All,

    /// <summary>Roots and their parents only.</summary>
    None,
}

/// <summary>A table whose rows start the subset, selected by a filter or a raw query (never both).</summary>
public sealed record RootSelection
{
    /// <summary>Table name as the user wrote it: <c>customer</c>, <c>public.customer</c>, <c>sales."Order"</c>.</summary>
    public required string Table { get; init; }

    /// <summary>Text appended after <c>SELECT ... FROM table</c>: WHERE / ORDER BY / LIMIT. Null: every row.</summary>
    public string? Filter { get; init; }

    /// <summary>A full SELECT returning rows of the table (at least its key columns).</summary>
    public string? Raw { get; init; }

    /// <summary>
    /// Parses <c>TABLE</c> or <c>TABLE:FILTER</c> (the form <c>--include</c> and the MSBuild metadata take);
    /// the first colon outside double quotes splits, so quoted names and <c>::</c> casts in filters work.
    /// </summary>
    public static RootSelection Parse(string spec)
    {
        var inQuotes = false;
        for (var i = 0; i < spec.Length; i++)
        {
            if (spec[i] == '"') inQuotes = !inQuotes;
            else if (spec[i] == ':' && !inQuotes)
            {
                var filter = spec[(i + 1)..].Trim();
                return new RootSelection { Table = spec[..i].Trim(), Filter = filter.Length == 0 ? null : filter };
            }
        }
        return new RootSelection { Table = spec.Trim() };
    }
}

/// <summary>Everything an export needs. The same request drives the CLI, MSBuild and tests.</summary>
public sealed record ExportRequest
{
    /// <summary>
    /// Npgsql connection string (resolve user input with <see cref="Connection.ConnectionResolver"/>). Give this or
    /// <see cref="DataSource"/>, not both.
    /// </summary>
    public string? ConnectionString { get; init; }

    /// <summary>
    /// The source as an <see cref="NpgsqlDataSource"/>, instead of <see cref="ConnectionString"/>. PgSeed opens its own
    /// sessions with its settings, user and password (the parallel copy sessions and the one that cancels server work
    /// too) and never disposes it. pg_dump (schema.sql) reads its connection string, which holds the password only
    /// with <c>Persist Security Info=true</c>; otherwise pg_dump finds it as libpq does (<c>PGPASSWORD</c>,
    /// <c>~/.pgpass</c>), or set <see cref="PgDump"/> to <c>none</c> to write schema.sql from the catalog.
    /// </summary>
    public NpgsqlDataSource? DataSource { get; init; }

    /// <summary>The main root first, then <c>--include</c> roots.</summary>
    public required IReadOnlyList<RootSelection> Roots { get; init; }

    /// <summary>Whether rows referencing the roots are exported too (default: all of them).</summary>
    public ChildrenMode Children { get; init; } = ChildrenMode.All;

    /// <summary>FKs not to descend along, as <c>[schema.]child.fk_name</c>.</summary>
    public IReadOnlyList<string> ExcludedEdges { get; init; } = Array.Empty<string>();

    /// <summary>Limit the catalog to these schemas; empty means every non-system schema.</summary>
    public IReadOnlyList<string> Schemas { get; init; } = Array.Empty<string>();

    /// <summary>Connections sharing the snapshot for the COPY-out phase (1..16).</summary>
    public int Parallel { get; init; } = 2;

    /// <summary>Where the subset is computed: temporary tables on the server, or key sets in this process (see <see cref="ClosureMode"/>).</summary>
    public ClosureMode Closure { get; init; } = ClosureMode.Auto;

    /// <summary>The client closure holds at most this many row keys in memory (PGSEED027 beyond).</summary>
    public long ClosureKeyLimit { get; init; } = DefaultClosureKeyLimit;

    /// <summary>20 million keys: a few hundred MB for text keys, far less for integer keys (bitmaps).</summary>
    public const long DefaultClosureKeyLimit = 20_000_000;

    /// <summary>The seed folder to (re)write.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Print the plan and SQL; read no data and write no files.</summary>
    public bool DryRun { get; init; }

    /// <summary>Per-table filters, transforms and omitted columns.</summary>
    public IReadOnlyList<TableRule> Rules { get; init; } = Array.Empty<TableRule>();

    /// <summary>Tables (names or globs) never exported.</summary>
    public IReadOnlyList<string> ExcludedTables { get; init; } = Array.Empty<string>();

    /// <summary>Relations the schema lacks, followed like real FKs.</summary>
    public IReadOnlyList<VirtualForeignKey> VirtualForeignKeys { get; init; } = Array.Empty<VirtualForeignKey>();

    /// <summary>
    /// Export nullable foreign keys into <see cref="ExcludedTables"/> as NULL. Without it such a foreign key is
    /// an error (PGSEED094), because the seed would not import.
    /// </summary>
    public bool NullReferencesToExcludedTables { get; init; }

    /// <summary>Columns (<c>[schema.]table.column</c>, table part may be a glob) the personal-data lint accepts as they are.</summary>
    public IReadOnlyList<string> AllowPii { get; init; } = Array.Empty<string>();

    /// <summary>Check column names and sampled values for personal data (PGSEED092).</summary>
    public bool PiiLint { get; init; } = true;

    /// <summary>Write <c>schema.sql</c> with pg_dump (when a recent enough pg_dump is found).</summary>
    public bool WriteSchema { get; init; } = true;

    /// <summary>Turn integrity compromises and lint warnings into errors.</summary>
    public bool Strict { get; init; }

    /// <summary>
    /// Write <c>README.md</c> into the seed folder (what the seed is, how to refresh it, a Mermaid picture of its
    /// tables), unless the folder holds a README the user wrote.
    /// </summary>
    public bool WriteReadme { get; init; } = true;

    /// <summary>The seed's name in its README (default: the folder's name).</summary>
    public string? SeedName { get; init; }

    /// <summary>The command that re-exports this seed, shown in its README (the adapter knows how it was called).</summary>
    public string? RefreshCommand { get; init; }

    /// <summary>
    /// The pg_dump that writes schema.sql: a path, taken whenever it is at least as new as the server (else the newest
    /// one found), or <c>none</c> for schema.sql from the server's catalog. Null: the newest suitable pg_dump found.
    /// The CLI and MSBuild set it from <c>PGSEED_PG_DUMP</c>.
    /// </summary>
    public string? PgDump { get; init; }

    /// <summary>
    /// Diagnostics: run the closure's statements one at a time, each logged with its rows and time (server closure
    /// only; slower). The CLI and MSBuild set it from <c>PGSEED_PROFILE=1</c>.
    /// </summary>
    public bool Profile { get; init; }

    /// <summary>Where the sessions come from (validated: exactly one of <see cref="ConnectionString"/> and <see cref="DataSource"/>).</summary>
    internal SessionSource SessionSource => SessionSource.For(ConnectionString, DataSource, OptionNames.ExportConnection, OptionNames.ExportDataSource);

    /// <summary>
    /// A root table given as a glob (<c>sales.*</c>) stands for every table it matches, each an unfiltered root
    /// (<c>pgseed copy</c>: whole tables by pattern). Otherwise a root names one table.
    /// </summary>
    internal bool RootPatterns { get; init; }

    /// <summary>
    /// A reference into an excluded table is kept as it is (<c>pgseed copy</c>: the target holds those rows, its FKs check
    /// them) instead of being an error (PGSEED094) or exported as NULL.
    /// </summary>
    internal bool KeepReferencesToExcludedTables { get; init; }

    /// <summary>
    /// Adjusts the manifest before it is written: <c>pgseed upgrade</c> re-exports a seed's own rows with a derived
    /// request and records the seed's original definition.
    /// </summary>
    internal Func<Seed.SeedManifest, Seed.SeedManifest>? ManifestOverride { get; init; }

    /// <summary>The source (never its password), the roots and the folder: what a log may show of the request.</summary>
    public override string ToString() => $"ExportRequest {{ Source = {ConnectionResolver.DescribeInput(ConnectionString, DataSource)}, Roots = [{string.Join(", ", Roots.Select(r => r.Table))}], OutputDirectory = {OutputDirectory} }}";
}
