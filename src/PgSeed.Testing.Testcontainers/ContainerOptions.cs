using Testcontainers.PostgreSql;

namespace PgSeed.Testing.Testcontainers;

/// <summary>
/// <c>o.UseContainer(...)</c> in a fixture's <c>Configure</c>: the fixture's server is a PostgreSQL container shared by
/// every fixture of the test process that asks for the same image and customisation.
/// </summary>
public static class ContainerOptions
{
    /// <summary>A container of the image in <c>PGSEED_TEST_POSTGRES_IMAGE</c>, else <see cref="ContainerPostgresServer.DefaultImage"/>.</summary>
    public static PgSeedOptions UseContainer(this PgSeedOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Server(new SharedContainerProvider(null, null).GetAsync);
    }

    /// <summary>A container of <paramref name="image"/> (e.g. <c>postgres:16-alpine</c>).</summary>
    public static PgSeedOptions UseContainer(this PgSeedOptions options, string image)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(image);
        return options.Server(new SharedContainerProvider(image, null).GetAsync);
    }

    /// <summary>
    /// A container customised on Testcontainers' builder (e.g. <c>b =&gt; b.WithImage("postgres:16").WithEnvironment(...)</c>).
    /// The callback is identified by its method, so use a named method or a lambda that does not capture changing state.
    /// </summary>
    public static PgSeedOptions UseContainer(this PgSeedOptions options, Func<PostgreSqlBuilder, PostgreSqlBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configure);
        return options.Server(new SharedContainerProvider(null, configure).GetAsync);
    }

    private sealed class SharedContainerProvider(string? image, Func<PostgreSqlBuilder, PostgreSqlBuilder>? configure)
    {
        public async Task<PgSeed.Testing.Servers.IPostgresServer> GetAsync(CancellationToken cancellationToken) =>
            await ContainerPostgresServer.GetSharedAsync(image, configure, cancellationToken).ConfigureAwait(false);
    }
}
