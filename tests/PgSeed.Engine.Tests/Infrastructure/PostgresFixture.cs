using PgSeed.Tests.Shared;

[assembly: AssemblyFixture(typeof(PgSeed.Engine.Tests.Infrastructure.PostgresFixture))]

namespace PgSeed.Engine.Tests.Infrastructure;

/// <summary>One PostgreSQL server for the whole test assembly; each test makes its own databases.</summary>
public sealed class PostgresFixture() : TestPostgres("t");
