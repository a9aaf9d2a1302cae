namespace PgSeed.Engine.Tests.Infrastructure;

/// <summary>Files of this repository (the sample's SQL and seeds), found from the test's output folder.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PgSeed.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("PgSeed.sln not found above " + AppContext.BaseDirectory);
    }
}
