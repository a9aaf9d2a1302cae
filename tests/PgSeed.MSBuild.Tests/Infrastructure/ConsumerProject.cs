using System.Security;

namespace PgSeed.MSBuild.Tests.Infrastructure;

/// <summary>
/// A fresh consumer repository in a temp directory: its own nuget.config (the packed feed plus the normal
/// registry, an isolated packages folder, the user's package cache as a read-only fallback) and a project
/// that references PgSeed.MSBuild from the feed.
/// </summary>
public sealed class ConsumerProject
{
    private ConsumerProject(string directory) => Directory = directory;

    public string Directory { get; }
    public string ProjectFile => Path.Combine(Directory, "Consumer.csproj");

    /// <summary>A seed declaration: Include plus metadata attributes.</summary>
    public sealed record Seed(string Include, params (string Name, string Value)[] Metadata)
    {
        public string ToXml() =>
            $"    <PgSeed Include=\"{SecurityElement.Escape(Include)}\"" +
            string.Concat(Metadata.Select(m => $" {m.Name}=\"{SecurityElement.Escape(m.Value)}\"")) + " />";
    }

    /// <param name="seedsInDirectoryBuildTargets">Declare the package and seeds in a solution-level Directory.Build.targets.</param>
    public static ConsumerProject Create(PackedFeed feed, string name, string targetFrameworks, IEnumerable<Seed> seeds, bool seedsInDirectoryBuildTargets = false)
    {
        var dir = Path.Combine(feed.Root, "consumers", name);
        System.IO.Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{SecurityElement.Escape(Path.Combine(feed.Root, "packages"))}" />
              </config>
              <packageSources>
                <clear />
                <add key="pgseed-local" value="{SecurityElement.Escape(feed.Feed)}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <fallbackPackageFolders>
                <clear />
                <add key="user" value="{SecurityElement.Escape(PackedFeed.UserPackagesFolder)}" />
              </fallbackPackageFolders>
            </configuration>
            """);
        var declarations = $"""
              <ItemGroup>
                <PackageReference Include="PgSeed.MSBuild" Version="{feed.Version}" PrivateAssets="all" />
            {string.Join("\n", seeds.Select(s => s.ToXml()))}
              </ItemGroup>
            """;
        var tfmProperty = targetFrameworks.Contains(';') ? "TargetFrameworks" : "TargetFramework";
        File.WriteAllText(Path.Combine(dir, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(dir, "Directory.Packages.props"), "<Project />\n"); // not the repository's central versions
        File.WriteAllText(Path.Combine(dir, "Directory.Build.targets"),
            seedsInDirectoryBuildTargets ? $"<Project>\n{declarations}\n</Project>\n" : "<Project />\n");
        File.WriteAllText(Path.Combine(dir, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <{tfmProperty}>{targetFrameworks}</{tfmProperty}>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
            {(seedsInDirectoryBuildTargets ? "" : declarations)}
            </Project>
            """);
        File.WriteAllText(Path.Combine(dir, "Library.cs"), "namespace Consumer;\n\npublic static class Library { }\n");
        return new ConsumerProject(dir);
    }

    /// <summary><c>dotnet build</c> with the given arguments; the connection comes from the environment, like CI.</summary>
    public Task<DotNet.Result> BuildAsync(IReadOnlyDictionary<string, string?> environment, params string[] arguments) =>
        DotNet.RunAsync(Directory, environment, ["build", ProjectFile, "-nodeReuse:false", "-nologo", .. arguments]);

    public string PathOf(string relative) => Path.Combine(Directory, relative);
}
