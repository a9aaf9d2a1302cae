namespace PgSeed.MSBuild.Tests.Infrastructure;

/// <summary>
/// PgSeed.MSBuild packed once per test run from this checkout into a temporary local feed, built under
/// its own artifacts path so it never touches the checkout's bin/obj folders.
/// </summary>
public sealed class PackedFeed : IAsyncLifetime
{
    public string Root { get; } = Directory.CreateTempSubdirectory("pgseed-e2e-").FullName;
    public string Feed => Path.Combine(Root, "feed");
    public string Version { get; private set; } = "";

    /// <summary>Where NuGet keeps packages normally: consumers use it as a read-only fallback so nothing is downloaded twice.</summary>
    public static string UserPackagesFolder =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    public async ValueTask InitializeAsync()
    {
        var project = Path.Combine(RepositoryRoot.Path, "src", "PgSeed.MSBuild", "PgSeed.MSBuild.csproj");
        // A version of its own, so no PgSeed.MSBuild cached anywhere (even in the fallback folder) can stand in for it.
        var version = $"0.0.0-e2e.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        (await DotNet.RunAsync(RepositoryRoot.Path, null, "pack", project, "-c", "Release", "-o", Feed,
            "--artifacts-path", Path.Combine(Root, "build"), "-nodeReuse:false", "-nologo",
            "-p:ContinuousIntegrationBuild=true", $"-p:Version={version}"))
            .EnsureSuccess("dotnet pack PgSeed.MSBuild");
        var package = Directory.GetFiles(Feed, "PgSeed.MSBuild.*.nupkg").Single();
        Version = Path.GetFileNameWithoutExtension(package)["PgSeed.MSBuild.".Length..];
    }

    public ValueTask DisposeAsync()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return ValueTask.CompletedTask;
    }
}
