namespace PgSeed.Testing.Testcontainers.Tests;

/// <summary>
/// The provider's tests need a Docker engine. Where none answers they report themselves skipped, with the reason
/// (xUnit v3 <c>Assert.Skip</c>), so the run summary counts them instead of hiding them.
/// </summary>
internal static class DockerEngine
{
    private static readonly Lazy<Task<string?>> WhyNot = new(() => ContainerPostgresServer.ProbeEngineAsync(CancellationToken.None));

    public static async Task RequireAsync()
    {
        if (await WhyNot.Value is { } reason)
            Assert.Skip($"Container tests need a Docker engine: {reason}. build/test.sh starts one with shared/tools/docker-postgres.sh where it can.");
    }
}

/// <summary>The container tests share process-wide state (environment variables, the shared container): one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ContainerCollection
{
    public const string Name = "containers";
}
