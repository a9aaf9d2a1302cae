namespace PgSeed.Testing;

/// <summary>
/// Error codes raised by the test fixtures (range PGSEED070-079; 070-072 live in
/// <see cref="PgSeed.Engine.Diagnostics.ErrorCode"/>). Documented in docs/errors.md.
/// </summary>
public static class TestingErrorCode
{
    /// <summary>A schema script or seed folder given to <see cref="PgSeedOptions"/> was not found.</summary>
    public const string FixturePathNotFound = "PGSEED073";

    /// <summary>The fixture is misconfigured or used before <c>InitializeAsync</c>.</summary>
    public const string FixtureMisuse = "PGSEED074";

    /// <summary>Resetting the database failed and re-cloning it failed too.</summary>
    public const string ResetFailed = "PGSEED075";

    /// <summary>The schema callback threw something other than a PgSeed error.</summary>
    public const string SchemaCallbackFailed = "PGSEED076";
}
