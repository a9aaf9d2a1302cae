using PgSeed.Engine.Diagnostics;

namespace PgSeed.Testing;

/// <summary>
/// The fixtures' error codes (PGSEED064-069 and PGSEED070-079), kept here under names that read well in fixture code;
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

    /// <summary>No server could be chosen or the requested kind is not available (<c>PGSEED_TEST_SERVER</c>).</summary>
    public const string NoTestServer = ErrorCode.NoTestServer;

    /// <summary>A container server could not be started (no engine, image, readiness, port).</summary>
    public const string ContainerServerFailed = ErrorCode.ContainerServerFailed;

    /// <summary>The pool needed another database and the server refused it.</summary>
    public const string PoolCannotGrow = ErrorCode.PoolCannotGrow;

    /// <summary>A lease was requested outside a running test, or a test without a lease used the fixture's database.</summary>
    public const string LeaseMisuse = ErrorCode.LeaseMisuse;

    /// <summary>A schema callback captures state PgSeed cannot key a template by; give it an explicit key.</summary>
    public const string SchemaCallbackUnkeyed = ErrorCode.SchemaCallbackUnkeyed;

    /// <summary>A reset found another session of the database in a transaction (e.g. an undisposed DbContext transaction).</summary>
    public const string ResetBlocked = ErrorCode.ResetBlocked;

    /// <summary>The fixture was disposed while tests still held leases.</summary>
    public const string LeasesOutstanding = ErrorCode.LeasesOutstanding;
}
