using System.Text.RegularExpressions;

namespace PgSeed.MSBuild.Tasks;

/// <summary>
/// Compares the EF Core migration an export's source database is at (the manifest's <c>efMigration</c>) with the migrations
/// in the project's sources, without building or loading the project: it reads the <c>[Migration("id")]</c> attributes that
/// <c>dotnet ef migrations add</c> writes into each migration's designer file. A database ahead of the code (a migration
/// from another branch) or behind it (migrations not applied yet) gives a seed that may not fit the schema the tests build.
/// </summary>
internal static partial class EfMigrationCheck
{
    [GeneratedRegex("""\[\s*(?:global::)?(?:Microsoft\.EntityFrameworkCore\.Migrations\.)?Migration(?:Attribute)?\s*\(\s*"([^"]+)"\s*\)""")]
    private static partial Regex MigrationAttribute();

    /// <summary>Migration ids declared in the given C# files, sorted (ids start with a timestamp).</summary>
    public static IReadOnlyList<string> FindIds(IEnumerable<string> sourceFiles)
    {
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in sourceFiles.Where(f => f.EndsWith(".cs", StringComparison.OrdinalIgnoreCase) && File.Exists(f)))
        {
            var text = File.ReadAllText(file);
            if (!text.Contains("Migration", StringComparison.Ordinal)) continue;
            foreach (Match m in MigrationAttribute().Matches(text)) ids.Add(m.Groups[1].Value);
        }
        return ids.ToList();
    }

    /// <summary>The PGSEED087 warning text, or null when the database's latest migration is the project's latest.</summary>
    public static string? Compare(string databaseLatest, IReadOnlyList<string> projectIds)
    {
        if (projectIds.Count == 0) return null;
        var ahead = projectIds.Where(id => string.CompareOrdinal(id, databaseLatest) > 0).ToList();
        if (!projectIds.Contains(databaseLatest))
            return $"The database was exported at EF Core migration {databaseLatest}, which this project's migrations do not have " +
                   $"(its latest is {projectIds[^1]}): the database has a migration from another branch, or one this code removed. " +
                   "The seed may not fit the schema your tests build from these migrations. Export from a database migrated by this code " +
                   "(dotnet ef database update), or update the code.";
        if (ahead.Count > 0)
            return $"The database was exported at EF Core migration {databaseLatest}, but this project has {ahead.Count} later migration(s) " +
                   $"the database has not applied ({string.Join(", ", ahead.Take(3))}{(ahead.Count > 3 ? ", ..." : "")}): the seed comes from " +
                   "an older schema than your tests build. Run dotnet ef database update against the export database, then export again.";
        return null;
    }
}
