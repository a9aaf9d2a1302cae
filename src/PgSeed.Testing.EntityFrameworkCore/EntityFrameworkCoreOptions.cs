using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;

namespace PgSeed.Testing;

/// <summary>EF Core schema steps for <see cref="PgSeedOptions"/> (package PgSeed.Testing.EntityFrameworkCore).</summary>
public static class EntityFrameworkCoreOptions
{
    /// <summary>
    /// Builds the template's schema by applying <typeparamref name="TContext"/>'s migrations, up to
    /// <paramref name="targetMigration"/> (a migration's name or id, as for <c>dotnet ef database update</c>) or the latest.
    /// The template is keyed by the context type and the ids of the migrations applied, so fixtures migrating to different
    /// targets get different templates, and fixtures with the same context and target share one.
    /// <para>
    /// PgSeed creates the context with its <c>DbContextOptions&lt;TContext&gt;</c> constructor on a data source for the
    /// template (configured like the fixture's, see <see cref="PgSeedOptions.DataSource"/>), applies the migrations (running
    /// <c>UseSeeding</c> / <c>UseAsyncSeeding</c> if <paramref name="configure"/> sets them, as <c>MigrateAsync</c> does) and
    /// disposes it. Give the provider options your application uses (<paramref name="npgsql"/>: <c>MapEnum</c>,
    /// <c>MigrationsHistoryTable</c>, ...) and any other options (<paramref name="configure"/>). A script from
    /// <c>dotnet ef migrations script</c> given to <see cref="PgSeedOptions.Schema(string)"/> builds the template faster.
    /// </para>
    /// </summary>
    public static PgSeedOptions Migrations<TContext>(this PgSeedOptions options, string? targetMigration = null,
        Action<NpgsqlDbContextOptionsBuilder>? npgsql = null, Action<DbContextOptionsBuilder<TContext>>? configure = null)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(options);
        var step = MigrationStep<TContext>.Create(options, targetMigration, npgsql, configure);
        return options.Schema(step.RunAsync);
    }
}
