using System.Reflection;

namespace Bookstore.Tests;

/// <summary>Where the sample's files are: copies in the test output folder, and the sample project itself.</summary>
public static class SampleFiles
{
    /// <summary>The sample project's directory (for re-running its PgSeedExport target), recorded at build time.</summary>
    public static string Directory { get; } = Metadata("BookstoreDirectory");
    public static string BuildConfiguration { get; } = Metadata("BuildConfiguration");

    /// <summary>samples/ci: the CI workflows and the script they run.</summary>
    public static string CiDirectory { get; } = Metadata("CiSampleDirectory");

    /// <summary>The checked-in seed folders, in the sample project.</summary>
    public static string Seeds => Path.Combine(Directory, "seeds");

    /// <summary>Copies of db/*.sql and seeds/ next to the test assembly (what the fixture loads).</summary>
    public static string Output(string relativePath) => Path.Combine(AppContext.BaseDirectory, relativePath);

    public static string SchemaSql => File.ReadAllText(Output("db/schema.sql"));
    public static string DataSql => File.ReadAllText(Output("db/data.sql"));

    /// <summary>The seed folders declared in Bookstore.csproj.</summary>
    public static readonly string[] SeedNames = ["german-customers", "catalog"];

    private static string Metadata(string key) =>
        typeof(SampleFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
