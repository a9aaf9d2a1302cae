namespace PgSeed.MSBuild.Tests.Infrastructure;

/// <summary>The repository checkout the tests run from (the directory holding PgSeed.sln).</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "PgSeed.sln"))) return dir.FullName;
        throw new InvalidOperationException($"PgSeed.sln not found above {AppContext.BaseDirectory}.");
    }
}
