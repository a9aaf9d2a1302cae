using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Testing.Servers;

/// <summary>
/// Finds the optional <c>PgSeed.Testing.Testcontainers</c> package at run time, by assembly name, so the core never
/// references Docker libraries: a test project that references the package gets container servers from
/// <c>PGSEED_TEST_SERVER=auto|container</c>; one that does not is told how to get them.
/// </summary>
internal static class ContainerServerDiscovery
{
    private const string PackageName = "PgSeed.Testing.Testcontainers";

    /// <summary>The assembly looked for; tests whose project references the package name another to see the "not referenced" path.</summary>
    internal static string AssemblyName { get; set; } = PackageName;
    private const string EntryType = "PgSeed.Testing.Testcontainers.ContainerPostgresServer";

    /// <summary>The process-wide container from the environment's settings (see <c>ContainerPostgresServer.GetSharedAsync</c>).</summary>
    public static async Task<IPostgresServer> StartAsync(CancellationToken cancellationToken)
    {
        var entry = Find() ?? throw new PgSeedException(ErrorCode.NoTestServer,
            $"{TestServers.ServerVariable}=container needs the {PackageName} package: add <PackageReference Include=\"{PackageName}\" /> to the test project, " +
            $"or use another server kind ({TestServers.ServerVariable}=local or existing).");
        var start = (Func<CancellationToken, Task<IPostgresServer>>)Delegate.CreateDelegate(typeof(Func<CancellationToken, Task<IPostgresServer>>),
            Method(entry, "GetSharedAsync"));
        return await start(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>For <c>auto</c>: a container when the package is there and a Docker engine answers; otherwise why not.</summary>
    public static async Task<(IPostgresServer? Server, string WhyNot)> TryStartAsync(CancellationToken cancellationToken)
    {
        var entry = Find();
        if (entry is null) return (null, $"the {PackageName} package is not referenced");
        var probe = (Func<CancellationToken, Task<string?>>)Delegate.CreateDelegate(typeof(Func<CancellationToken, Task<string?>>),
            Method(entry, "ProbeEngineAsync"));
        if (await probe(cancellationToken).ConfigureAwait(false) is { } why) return (null, why);
        return (await StartAsync(cancellationToken).ConfigureAwait(false), "");
    }

    // Trimming: a trimmed or native app (the pgseed tool) never references the package, and then Find returns null.
    private const string NotTrimmedAway = "The container package is loaded by name from a test project that references it; trimmed apps never have it.";

    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = NotTrimmedAway)]
    private static MethodInfo Method(Type entry, string name) =>
        entry.GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static, [typeof(CancellationToken)])!;

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = NotTrimmedAway)]
    private static Type? Find()
    {
        try
        {
            return Assembly.Load(new AssemblyName(AssemblyName)).GetType(EntryType, throwOnError: false);
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            return null;
        }
    }
}
