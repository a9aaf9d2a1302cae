namespace PgSeed.MSBuild.Tests.Infrastructure;

/// <summary>
/// Tests that need the packed feed or a server. One collection: the package is packed once and the tests run
/// one after another (each spawns dotnet build; the machine is small).
/// </summary>
[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<PackedFeed>, ICollectionFixture<PostgresServer>
{
    public const string Name = "end-to-end";
}
