namespace PgSeed.Engine.Diagnostics;

/// <summary>
/// Stable error codes. Every code is documented in docs/errors.md (cause and fix);
/// codes are never reused for a different meaning.
/// </summary>
public static class ErrorCode
{
    // Connection and options
    /// <summary>PGSEED001: No connection given.</summary>
    public const string NoConnection = "PGSEED001";
    /// <summary>PGSEED002: The connection string is not valid.</summary>
    public const string InvalidConnection = "PGSEED002";
    /// <summary>PGSEED003: Could not connect.</summary>
    public const string ConnectionFailed = "PGSEED003";
    /// <summary>PGSEED004: Invalid option value.</summary>
    public const string InvalidOption = "PGSEED004";
    /// <summary>PGSEED007: The server is older than PostgreSQL 13.</summary>
    public const string ServerTooOld = "PGSEED007";

    // Export: naming and filters
    /// <summary>PGSEED010: Table not found.</summary>
    public const string TableNotFound = "PGSEED010";
    /// <summary>PGSEED011: Ambiguous table name.</summary>
    public const string AmbiguousTable = "PGSEED011";
    /// <summary>PGSEED012: <c>--filter</c> and <c>--raw</c> both given.</summary>
    public const string FilterAndRaw = "PGSEED012";
    /// <summary>PGSEED013: The filter or raw query failed.</summary>
    public const string BadFilter = "PGSEED013";
    /// <summary>PGSEED014: The filter tries to write or holds several statements.</summary>
    public const string FilterWrites = "PGSEED014";
    /// <summary>PGSEED015: Unknown foreign key in <c>--exclude-edge</c>.</summary>
    public const string UnknownForeignKey = "PGSEED015";
    /// <summary>PGSEED016: The raw query does not return the table's key columns.</summary>
    public const string RawMissingKey = "PGSEED016";
    /// <summary>PGSEED017: The exporting role lacks a privilege.</summary>
    public const string ExportPermissionDenied = "PGSEED017";
    /// <summary>PGSEED020: Output folder problem.</summary>
    public const string OutputFolder = "PGSEED020";
    /// <summary>PGSEED021: The disk filled up while writing the seed.</summary>
    public const string DiskFull = "PGSEED021";
    /// <summary>PGSEED029: No pg_dump can dump this server, so schema.sql was written from the server's catalog.</summary>
    public const string SchemaFromCatalog = "PGSEED029";

    // Seeds over time: stale checks, diffs, re-exports from a manifest
    /// <summary>PGSEED024: The seed is stale.</summary>
    public const string SeedStale = "PGSEED024";
    /// <summary>PGSEED025: The two seeds have different roots.</summary>
    public const string DifferentRoots = "PGSEED025";
    /// <summary>PGSEED026: The seed cannot be re-exported from its manifest.</summary>
    public const string DefinitionNotReproducible = "PGSEED026";

    // Export: where the closure runs
    /// <summary>PGSEED027: The client closure would hold more row keys than its limit.</summary>
    public const string ClosureKeyLimit = "PGSEED027";
    /// <summary>PGSEED028: <c>--closure server</c> on a standby.</summary>
    public const string ServerClosureOnStandby = "PGSEED028";

    // Seed folder and manifest
    /// <summary>PGSEED030: Seed folder missing.</summary>
    public const string SeedFolderMissing = "PGSEED030";
    /// <summary>PGSEED031: Manifest invalid.</summary>
    public const string ManifestInvalid = "PGSEED031";
    /// <summary>PGSEED032: Seed file missing.</summary>
    public const string SeedFileMissing = "PGSEED032";
    /// <summary>PGSEED033: Checksum mismatch.</summary>
    public const string ChecksumMismatch = "PGSEED033";
    /// <summary>PGSEED034: Row count mismatch.</summary>
    public const string RowCountMismatch = "PGSEED034";
    /// <summary>PGSEED035: CSV header or record invalid.</summary>
    public const string CsvHeaderInvalid = "PGSEED035";
    /// <summary>PGSEED036: Unsupported seed format version.</summary>
    public const string UnsupportedFormat = "PGSEED036";
    /// <summary>PGSEED037: A file cannot be read or written.</summary>
    public const string FileAccessFailed = "PGSEED037";
    /// <summary>PGSEED038: Schema drift the import absorbs (warning).</summary>
    public const string SchemaDrift = "PGSEED038";
    /// <summary>PGSEED039: The seed folder has no schema.sql.</summary>
    public const string SchemaSqlMissing = "PGSEED039";

    // Import against a target database
    /// <summary>PGSEED040: Target table missing.</summary>
    public const string TargetTableMissing = "PGSEED040";
    /// <summary>PGSEED041: CSV column missing from the target table.</summary>
    public const string TargetColumnMissing = "PGSEED041";
    /// <summary>PGSEED042: Required column missing from the CSV.</summary>
    public const string RequiredColumnMissing = "PGSEED042";
    /// <summary>PGSEED043: Bad value.</summary>
    public const string BadValue = "PGSEED043";
    /// <summary>PGSEED044: Foreign-key violation.</summary>
    public const string ForeignKeyViolation = "PGSEED044";
    /// <summary>PGSEED045: Duplicate key against the target.</summary>
    public const string UniqueViolation = "PGSEED045";
    /// <summary>PGSEED046: Truncate blocked by referencing tables.</summary>
    public const string TruncateReferenced = "PGSEED046";
    /// <summary>PGSEED047: Upsert without a key.</summary>
    public const string UpsertWithoutKey = "PGSEED047";
    /// <summary>PGSEED048: FK cycle that cannot be loaded.</summary>
    public const string CycleNotLoadable = "PGSEED048";
    /// <summary>PGSEED049: Permission denied.</summary>
    public const string PermissionDenied = "PGSEED049";
    /// <summary>PGSEED050: Generated column skipped (warning).</summary>
    public const string GeneratedColumnSkipped = "PGSEED050";
    /// <summary>PGSEED051: A sequence could not be moved back (warning).</summary>
    public const string SequenceNotRestored = "PGSEED051";
    /// <summary>PGSEED052: The seed holds the same key twice.</summary>
    public const string DuplicateKeyInSeed = "PGSEED052";
    /// <summary>PGSEED053: User triggers fire on the upsert's update (warning).</summary>
    public const string UpsertTriggersFire = "PGSEED053";
    /// <summary>PGSEED055: A migration failed.</summary>
    public const string MigrationFailed = "PGSEED055";

    // Database-to-database copy
    /// <summary>PGSEED056: <c>pgseed copy</c> from a database into itself.</summary>
    public const string CopySameDatabase = "PGSEED056";
    /// <summary>PGSEED057: <c>pgseed copy</c> could not read the source.</summary>
    public const string CopySourceFailed = "PGSEED057";

    // Runtime
    /// <summary>PGSEED060: Cancelled.</summary>
    public const string Cancelled = "PGSEED060";
    /// <summary>PGSEED061: A database error while reading or writing data.</summary>
    public const string DatabaseError = "PGSEED061";
    /// <summary>PGSEED062: The connection to the server was lost.</summary>
    public const string ConnectionLost = "PGSEED062";

    // Test servers, pools and leases (PgSeed.Testing.Core, PgSeed.Testing, PgSeed.Testing.Testcontainers)
    /// <summary>PGSEED064: No test server.</summary>
    public const string NoTestServer = "PGSEED064";
    /// <summary>PGSEED065: The PostgreSQL container did not start.</summary>
    public const string ContainerServerFailed = "PGSEED065";
    /// <summary>PGSEED066: The database pool could not grow.</summary>
    public const string PoolCannotGrow = "PGSEED066";
    /// <summary>PGSEED067: A lease was misused.</summary>
    public const string LeaseMisuse = "PGSEED067";
    /// <summary>PGSEED068: A schema callback captures state PgSeed cannot key a template by.</summary>
    public const string SchemaCallbackUnkeyed = "PGSEED068";
    /// <summary>PGSEED069: A reset found another session with a transaction open.</summary>
    public const string ResetBlocked = "PGSEED069";

    // Test servers (PgSeed.Testing)
    /// <summary>PGSEED070: PostgreSQL server binaries not found.</summary>
    public const string PostgresBinariesNotFound = "PGSEED070";
    /// <summary>PGSEED071: The throwaway server did not start.</summary>
    public const string ServerStartFailed = "PGSEED071";
    /// <summary>PGSEED072: A SQL script failed.</summary>
    public const string SchemaScriptFailed = "PGSEED072";
    /// <summary>PGSEED073: A fixture path was not found.</summary>
    public const string FixturePathNotFound = "PGSEED073";
    /// <summary>PGSEED074: The fixture was used before it was initialised.</summary>
    public const string FixtureMisuse = "PGSEED074";
    /// <summary>PGSEED075: The database could not be reset or re-created.</summary>
    public const string ResetFailed = "PGSEED075";
    /// <summary>PGSEED076: The schema callback failed.</summary>
    public const string SchemaCallbackFailed = "PGSEED076";
    /// <summary>PGSEED077: A SQL script uses a psql command PgSeed does not run.</summary>
    public const string ScriptCommandUnsupported = "PGSEED077";
    /// <summary>PGSEED078: The fixture was disposed while leases were still out.</summary>
    public const string LeasesOutstanding = "PGSEED078";

    // Build integration (PgSeed.MSBuild)
    /// <summary>PGSEED080: Invalid <c>PgSeed</c> item or property.</summary>
    public const string BuildItemInvalid = "PGSEED080";
    /// <summary>PGSEED081: <c>PgSeedOnly</c> names a seed that does not exist.</summary>
    public const string NoMatchingSeedItem = "PGSEED081";
    /// <summary>PGSEED082: Warning: no <c>PgSeed</c> items.</summary>
    public const string NoSeedItems = "PGSEED082";
    /// <summary>PGSEED083: Warning: <c>PgSeedConnection</c> contains a password.</summary>
    public const string PasswordInProperty = "PGSEED083";
    /// <summary>PGSEED084: This MSBuild cannot run the PgSeed task.</summary>
    public const string MSBuildTooOld = "PGSEED084";
    /// <summary>PGSEED085: <c>PgSeedConnection</c> was cut at <c>;</c> by MSBuild.</summary>
    public const string ConnectionSplit = "PGSEED085";
    /// <summary>PGSEED087: Warning: the source database and the project's EF Core migrations disagree.</summary>
    public const string MigrationsDiffer = "PGSEED087";

    // Seed definitions and shaping rules
    /// <summary>PGSEED090: The seed definition file is invalid.</summary>
    public const string ConfigInvalid = "PGSEED090";
    /// <summary>PGSEED091: A table rule names something that does not exist or cannot work.</summary>
    public const string RuleInvalid = "PGSEED091";
    /// <summary>PGSEED092: Exported columns look personal.</summary>
    public const string PersonalData = "PGSEED092";
    /// <summary>PGSEED093: A where rule could not drop rows.</summary>
    public const string RuleKeptParents = "PGSEED093";
    /// <summary>PGSEED094: An exported table references an excluded table.</summary>
    public const string ExcludedTableReferenced = "PGSEED094";
    /// <summary>PGSEED095: A transform or omission would break keys or references.</summary>
    public const string KeyTransform = "PGSEED095";
    /// <summary>PGSEED096: schema.sql was not written.</summary>
    public const string SchemaNotWritten = "PGSEED096";
    /// <summary>PGSEED097: An environment variable referenced as <c>${env:NAME}</c> is not set.</summary>
    public const string EnvironmentVariableMissing = "PGSEED097";
    /// <summary>PGSEED098: No seed in the definition file matches the given name or glob.</summary>
    public const string NoSeedMatched = "PGSEED098";

    /// <summary>PGSEED099: Unexpected internal error.</summary>
    public const string Internal = "PGSEED099";
}
