using PgSeed.Engine.Diagnostics;

namespace PgSeed.Testing;

/// <summary>
/// The fixtures' error codes (range PGSEED070-079), kept here under names that read well in fixture code;
/// the values are defined with every other code in <see cref="ErrorCode"/> and documented in docs/errors.md.
/// </summary>
public static class TestingErrorCode
{
    /// <summary>A schema script or seed folder given to <see cref="PgSeedOptions"/> was not found.</summary>
    public const string FixturePathNotFound = ErrorCode.FixturePathNotFound;

    /// <summary>The fixture is misconfigured or used before <c>InitializeAsync</c>.</summary>
    public const string FixtureMisuse = ErrorCode.FixtureMisuse;

    /// <summary>Resetting the database failed and re-cloning it failed too.</summary>
    public const string ResetFailed = ErrorCode.ResetFailed;

    /// <summary>The schema callback threw something other than a PgSeed error.</summary>
    public const string SchemaCallbackFailed = ErrorCode.SchemaCallbackFailed;
}
