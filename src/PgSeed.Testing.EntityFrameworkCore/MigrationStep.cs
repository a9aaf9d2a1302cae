using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Testing;

/// <summary>
/// The schema step of <see cref="EntityFrameworkCoreOptions.Migrations{TContext}"/>: applies a context's migrations to the
/// template. Its fields are what PgSeed keys the template by (the callback's owner): the context type (in the class's
/// generic argument), the ids of the migrations it applies, the target, and the option callbacks (by method and captured
/// values). <see cref="_options"/> is the fixture's own configuration, which PgSeed keys separately and skips here.
/// </summary>
internal sealed class MigrationStep<TContext> where TContext : DbContext
{
    private readonly PgSeedOptions _options;
    private readonly string[] _appliedMigrations;
    private readonly string? _targetMigrationId;
    private readonly Action<NpgsqlDbContextOptionsBuilder>? _npgsql;
    private readonly Action<DbContextOptionsBuilder<TContext>>? _configure;

    private MigrationStep(PgSeedOptions options, string[] applied, string? target, Action<NpgsqlDbContextOptionsBuilder>? npgsql,
        Action<DbContextOptionsBuilder<TContext>>? configure)
    {
        _options = options;
        _appliedMigrations = applied;
        _targetMigrationId = target;
        _npgsql = npgsql;
        _configure = configure;
    }

    /// <summary>Reads the context's migrations (no database needed) and resolves the target to an id.</summary>
    public static MigrationStep<TContext> Create(PgSeedOptions options, string? targetMigration, Action<NpgsqlDbContextOptionsBuilder>? npgsql,
        Action<DbContextOptionsBuilder<TContext>>? configure)
    {
        var builder = new DbContextOptionsBuilder<TContext>();
        builder.UseNpgsql(npgsql); // no connection: only the migrations assembly is read
        configure?.Invoke(builder);
        using var probe = Construct(builder.Options);
        var assembly = probe.GetService<IMigrationsAssembly>();
        var all = assembly.Migrations.Keys.Order(StringComparer.Ordinal).ToArray();
        if (all.Length == 0)
            throw Misconfigured(
                $"{typeof(TContext).Name} has no migrations in {assembly.Assembly.GetName().Name}, so .Migrations<{typeof(TContext).Name}>() would build an empty " +
                "schema. Add one (dotnet ef migrations add Initial), or point MigrationsAssembly(...) at the assembly holding them.");
        string? target = null;
        var applied = all;
        if (targetMigration is not null)
        {
            // "0" (Migration.InitialDatabase) means before the first migration, as for dotnet ef database update 0.
            try
            {
                target = targetMigration == Migration.InitialDatabase ? Migration.InitialDatabase : assembly.GetMigrationId(targetMigration);
            }
            catch (InvalidOperationException e)
            {
                throw Misconfigured($"{e.Message} {typeof(TContext).Name} has the migrations {string.Join(", ", all)}; give .Migrations<{typeof(TContext).Name}>() " +
                                    "one of their names or ids, \"0\" for none, or null for the latest.");
            }
            applied = all.Where(id => string.CompareOrdinal(id, target) <= 0).ToArray();
            if (target == all[^1]) target = null; // the latest: the same schema as no target, so the same template
        }
        return new MigrationStep<TContext>(options, applied, target, npgsql, configure);
    }

    /// <summary>Migrates the template on a data source of its own (disposed at the end, so no session stays on the template).</summary>
    public async Task RunAsync(string connectionString, CancellationToken cancellationToken)
    {
        var dataSourceBuilder = new NpgsqlDataSourceBuilder(connectionString);
        _options.DataSourceConfiguration?.Invoke(dataSourceBuilder);
        var dataSource = dataSourceBuilder.Build();
        await using (dataSource.ConfigureAwait(false))
        {
            var builder = new DbContextOptionsBuilder<TContext>();
            builder.UseNpgsql(dataSource, _npgsql);
            _configure?.Invoke(builder);
            var context = Construct(builder.Options);
            await using (context.ConfigureAwait(false))
                await context.Database.MigrateAsync(_targetMigrationId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The step cannot run as configured (PGSEED076, like a failing schema callback).</summary>
    private static PgSeedException Misconfigured(string message) => new(TestingErrorCode.SchemaCallbackFailed, message);

    /// <summary>Through the constructor taking <c>DbContextOptions&lt;TContext&gt;</c> (or <c>DbContextOptions</c>), as AddDbContext does.</summary>
    private static TContext Construct(DbContextOptions<TContext> options)
    {
        var constructor = typeof(TContext).GetConstructor(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance, [typeof(DbContextOptions<TContext>)])
                          ?? typeof(TContext).GetConstructor(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance, [typeof(DbContextOptions)])
                          ?? throw Misconfigured(
                              $".Migrations<{typeof(TContext).Name}>() creates the context with a constructor taking DbContextOptions<{typeof(TContext).Name}>, " +
                              $"which {typeof(TContext).Name} lacks. Add one (public {typeof(TContext).Name}(DbContextOptions<{typeof(TContext).Name}> options) : base(options) {{ }}), " +
                              "or migrate yourself with .Schema(async (connectionString, ct) => { ... await context.Database.MigrateAsync(ct); }, key: \"...\").");
        try
        {
            return (TContext)constructor.Invoke([options]);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}
