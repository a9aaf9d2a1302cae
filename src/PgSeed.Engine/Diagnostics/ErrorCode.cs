namespace PgSeed.Engine.Diagnostics;

/// <summary>
/// Stable error codes. Every code is documented in docs/errors.md (cause and fix);
/// codes are never reused for a different meaning.
/// </summary>
public static class ErrorCode
{
    // Connection and options
    public const string NoConnection = "PGSEED001";
    public const string InvalidConnection = "PGSEED002";
    public const string ConnectionFailed = "PGSEED003";
    public const string InvalidOption = "PGSEED004";
    public const string ServerTooOld = "PGSEED007";

    // Export: naming and filters
    public const string TableNotFound = "PGSEED010";
    public const string AmbiguousTable = "PGSEED011";
    public const string FilterAndRaw = "PGSEED012";
    public const string BadFilter = "PGSEED013";
    public const string FilterWrites = "PGSEED014";
    public const string UnknownForeignKey = "PGSEED015";
    public const string RawMissingKey = "PGSEED016";
    public const string ExportPermissionDenied = "PGSEED017";
    public const string OutputFolder = "PGSEED020";
    public const string DiskFull = "PGSEED021";
    public const string SchemaFromCatalog = "PGSEED029";

    // Seeds over time: stale checks, diffs, re-exports from a manifest
    public const string SeedStale = "PGSEED024";
    public const string DifferentRoots = "PGSEED025";
    public const string DefinitionNotReproducible = "PGSEED026";

    // Export: where the closure runs
    public const string ClosureKeyLimit = "PGSEED027";
    public const string ServerClosureOnStandby = "PGSEED028";

    // Seed folder and manifest
    public const string SeedFolderMissing = "PGSEED030";
    public const string ManifestInvalid = "PGSEED031";
    public const string SeedFileMissing = "PGSEED032";
    public const string ChecksumMismatch = "PGSEED033";
    public const string RowCountMismatch = "PGSEED034";
    public const string CsvHeaderInvalid = "PGSEED035";
    public const string UnsupportedFormat = "PGSEED036";
    public const string FileAccessFailed = "PGSEED037";
    public const string SchemaDrift = "PGSEED038";
    public const string SchemaSqlMissing = "PGSEED039";

    // Import against a target database
    public const string TargetTableMissing = "PGSEED040";
    public const string TargetColumnMissing = "PGSEED041";
    public const string RequiredColumnMissing = "PGSEED042";
    public const string BadValue = "PGSEED043";
    public const string ForeignKeyViolation = "PGSEED044";
    public const string UniqueViolation = "PGSEED045";
    public const string TruncateReferenced = "PGSEED046";
    public const string UpsertWithoutKey = "PGSEED047";
    public const string CycleNotLoadable = "PGSEED048";
    public const string PermissionDenied = "PGSEED049";
    public const string GeneratedColumnSkipped = "PGSEED050";
    public const string SequenceNotRestored = "PGSEED051";
    public const string DuplicateKeyInSeed = "PGSEED052";
    public const string UpsertTriggersFire = "PGSEED053";
    public const string MigrationFailed = "PGSEED055";

    // Database-to-database copy
    public const string CopySameDatabase = "PGSEED056";
    public const string CopySourceFailed = "PGSEED057";

    // Runtime
    public const string Cancelled = "PGSEED060";
    public const string DatabaseError = "PGSEED061";
    public const string ConnectionLost = "PGSEED062";

    // Test servers, pools and leases (PgSeed.Testing.Core, PgSeed.Testing, PgSeed.Testing.Testcontainers)
    public const string NoTestServer = "PGSEED064";
    public const string ContainerServerFailed = "PGSEED065";
    public const string PoolCannotGrow = "PGSEED066";
    public const string LeaseMisuse = "PGSEED067";
    public const string SchemaCallbackUnkeyed = "PGSEED068";
    public const string ResetBlocked = "PGSEED069";

    // Test servers (PgSeed.Testing)
    public const string PostgresBinariesNotFound = "PGSEED070";
    public const string ServerStartFailed = "PGSEED071";
    public const string SchemaScriptFailed = "PGSEED072";
    public const string FixturePathNotFound = "PGSEED073";
    public const string FixtureMisuse = "PGSEED074";
    public const string ResetFailed = "PGSEED075";
    public const string SchemaCallbackFailed = "PGSEED076";
    public const string ScriptCommandUnsupported = "PGSEED077";
    public const string LeasesOutstanding = "PGSEED078";

    // Build integration (PgSeed.MSBuild)
    public const string BuildItemInvalid = "PGSEED080";
    public const string NoMatchingSeedItem = "PGSEED081";
    public const string NoSeedItems = "PGSEED082";
    public const string PasswordInProperty = "PGSEED083";
    public const string MSBuildTooOld = "PGSEED084";
    public const string ConnectionSplit = "PGSEED085";
    public const string MigrationsDiffer = "PGSEED087";

    // Seed definitions and shaping rules
    public const string ConfigInvalid = "PGSEED090";
    public const string RuleInvalid = "PGSEED091";
    public const string PersonalData = "PGSEED092";
    public const string RuleKeptParents = "PGSEED093";
    public const string ExcludedTableReferenced = "PGSEED094";
    public const string KeyTransform = "PGSEED095";
    public const string SchemaNotWritten = "PGSEED096";
    public const string EnvironmentVariableMissing = "PGSEED097";
    public const string NoSeedMatched = "PGSEED098";

    public const string Internal = "PGSEED099";
}
