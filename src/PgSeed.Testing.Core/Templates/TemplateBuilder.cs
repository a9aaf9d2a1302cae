using Npgsql;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Import;
using PgSeed.Engine.Sql;
using PgSeed.Testing.Reset;
using PgSeed.Testing.Servers;

namespace PgSeed.Testing.Templates;

/// <summary>
/// Builds a template database: schema steps, then seeds through the engine's importer (same modes, same
/// errors, so schema drift fails here with the engine's message before any test runs), then the reset
/// strategy's in-database objects. A failed build drops the half-built database.
/// </summary>
internal static class TemplateBuilder
{
    /// <summary>
    /// <paramref name="cancellationToken"/> is the test run's (xUnit cancels it when a run is aborted): the statements
    /// running for the build are cancelled on the server and the half-built database is dropped.
    /// </summary>
    public static async Task<string> BuildAsync(IPostgresServer server, PgSeedOptions options, string name, Action<string> log, CancellationToken cancellationToken)
    {
        await server.DropDatabaseAsync(name, cancellationToken).ConfigureAwait(false); // a leftover from a crashed process with a recycled pid
        await server.CreateDatabaseAsync(name, null, cancellationToken).ConfigureAwait(false);
        var connectionString = server.ConnectionStringFor(name);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var phases = new List<string>();
        void Phase(string what)
        {
            phases.Add($"{what} {clock.ElapsedMilliseconds} ms");
            clock.Restart();
        }
        try
        {
            foreach (var step in options.SchemaSteps)
            {
                if (step.ScriptPath is not null) await RunScriptAsync(connectionString, FixturePaths.ResolveFile(step.ScriptPath), cancellationToken).ConfigureAwait(false);
                else await RunCallbackAsync(step.Migrate!, connectionString, cancellationToken).ConfigureAwait(false);
            }
            Phase("schema");
            foreach (var seed in options.Seeds)
            {
                var folder = FixturePaths.ResolveFolder(seed.Folder);
                // Truncate empties the seed's tables: rows the schema step put there (HasData, migrations) that the seed lacks are
                // lost. Checked only for Truncate and only where the schema left rows, so other builds pay nothing.
                var rowsCheck = seed.Mode == ImportMode.Truncate
                    ? await SchemaRowsCheck.BeforeAsync(connectionString, folder, cancellationToken).ConfigureAwait(false)
                    : null;
                try
                {
                    await SeedImporter.ImportAsync(new ImportRequest
                    {
                        ConnectionString = connectionString,
                        SeedDirectory = folder,
                        Mode = seed.Mode,
                    }, NullSeedLog.Instance, cancellationToken).ConfigureAwait(false);
                    if (rowsCheck is not null)
                        foreach (var warning in await rowsCheck.AfterAsync(seed.Folder, cancellationToken).ConfigureAwait(false)) log(warning);
                }
                finally
                {
                    if (rowsCheck is not null) await rowsCheck.DisposeAsync().ConfigureAwait(false);
                }
            }
            if (options.Seeds.Count > 0) Phase("seed import");
            await ResetInstaller.InstallAsync(connectionString, options.Strategy, cancellationToken).ConfigureAwait(false);
            Phase($"{options.Strategy} setup");
            await DisconnectAllAsync(server, name, cancellationToken).ConfigureAwait(false);
            log($"PgSeed: built template {name}: {string.Join(", ", phases)}.");
            return name;
        }
        catch
        {
            try { await server.DropDatabaseAsync(name, CancellationToken.None).ConfigureAwait(false); }
            catch (Exception) { /* keep the original error */ }
            throw;
        }
    }

    /// <summary>Runs a schema script as psql would (pg_dump output included): see <see cref="SqlScript"/>.</summary>
    private static async Task RunScriptAsync(string connectionString, string path, CancellationToken cancellationToken)
    {
        var connection = await Sessions.OpenAsync(connectionString, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
            await SqlScript.RunFileAsync(connection, path, cancellationToken).ConfigureAwait(false);
    }

    private static async Task RunCallbackAsync(Func<string, CancellationToken, Task> migrate, string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            await migrate(connectionString, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not PgSeedException and not OperationCanceledException)
        {
            throw new PgSeedException(TestingErrorCode.SchemaCallbackFailed,
                $"The schema callback {migrate.Method.DeclaringType?.Name}.{migrate.Method.Name} failed: {ConnectionResolver.Redact(e.Message)}", e);
        }
        // Pooled connections the callback left idle on the template would block CREATE DATABASE ... TEMPLATE; they are
        // ended server-side after the build, so clear that one pool (never the user's other pools).
        NpgsqlConnection.ClearPool(new NpgsqlConnection(connectionString));
    }

    /// <summary>CREATE DATABASE ... TEMPLATE refuses while anyone is connected to the template.</summary>
    private static Task DisconnectAllAsync(IPostgresServer server, string name, CancellationToken cancellationToken) =>
        DatabaseAdmin.DisconnectAllAsync(server.AdminConnectionString, name, cancellationToken);
}
