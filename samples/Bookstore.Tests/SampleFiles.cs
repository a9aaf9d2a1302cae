using System.Reflection;

namespace Bookstore.Tests;

/// <summary>Where the sample's checked-in files are.</summary>
public static class SampleFiles
{
    public static string Directory { get; } = Metadata("BookstoreDirectory");
    public static string BuildConfiguration { get; } = Metadata("BuildConfiguration");
    public static string Seeds => Path.Combine(Directory, "seeds");
    public static string SchemaSql => File.ReadAllText(Path.Combine(Directory, "db", "schema.sql"));
    public static string DataSql => File.ReadAllText(Path.Combine(Directory, "db", "data.sql"));

    /// <summary>The seed folders declared in Bookstore.csproj.</summary>
    public static readonly string[] SeedNames = ["german-customers", "catalog"];

    private static string Metadata(string key) =>
        typeof(SampleFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
