namespace Bookstore.Tests;

/// <summary>
/// Tests that run <c>dotnet build</c> on the sample project take turns: concurrent builds of one project would fight
/// over its obj/ folder and the task assembly they build first.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SampleBuilds
{
    public const string Name = "dotnet build of the sample";
}
