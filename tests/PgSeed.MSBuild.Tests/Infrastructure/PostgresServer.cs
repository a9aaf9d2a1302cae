using PgSeed.Tests.Shared;

namespace PgSeed.MSBuild.Tests.Infrastructure;

/// <summary>One PostgreSQL server for the end-to-end tests; each test makes its own databases.</summary>
public sealed class PostgresServer() : TestPostgres("m");
