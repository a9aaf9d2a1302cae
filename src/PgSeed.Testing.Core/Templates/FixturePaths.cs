using PgSeed.Engine.Diagnostics;

namespace PgSeed.Testing.Templates;

/// <summary>
/// Resolves the relative paths given to <see cref="PgSeedOptions"/>: first against the test output folder
/// (<see cref="AppContext.BaseDirectory"/>, where files copied with CopyToOutputDirectory land), then
/// against the current directory.
/// </summary>
internal static class FixturePaths
{
    public static string ResolveFile(string path) => Resolve(path, File.Exists, "Schema script");

    public static string ResolveFolder(string path) => Resolve(path, Directory.Exists, "Seed folder");

    private static string Resolve(string path, Func<string, bool> exists, string what)
    {
        if (Path.IsPathRooted(path))
        {
            if (exists(path)) return path;
            throw NotFound(what, path, new[] { path });
        }
        var candidates = new[]
        {
            Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, path)),
            Path.GetFullPath(Path.Combine(Directory.GetCurrentDirectory(), path)),
        };
        foreach (var candidate in candidates)
            if (exists(candidate)) return candidate;
        throw NotFound(what, path, candidates);
    }

    private static PgSeedException NotFound(string what, string path, IEnumerable<string> tried) =>
        new(TestingErrorCode.FixturePathNotFound,
            $"{what} '{path}' was not found. Looked in: {string.Join(", ", tried.Distinct())}. " +
            "Copy it to the test output (CopyToOutputDirectory) or give an absolute path.")
        { File = path };
}
