using System.CommandLine;
using PgSeed.Adapters;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Upgrade;
using PgSeed.Testing.Servers;

namespace PgSeed.Cli.Commands;

/// <summary>
/// <c>pgseed upgrade FOLDER --migrations DIR | --migrate-command CMD</c>: carries a seed across schema migrations in a
/// throwaway database (a local cluster from the machine's PostgreSQL binaries, or a new database on <c>--server</c>),
/// then rewrites the folder atomically. Only server start-up and CREATE/DROP DATABASE come from the test servers.
/// </summary>
internal static class UpgradeCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var folder = new Argument<string>("seed-folder") { Description = "The seed folder to upgrade (it needs its schema.sql)." };
        var migrations = new Option<string?>("--migrations") { Description = "Folder of .sql migration files, applied in file-name order (V2 before V10)." };
        var migrateCommand = new Option<string?>("--migrate-command")
        {
            Description = "Shell command applying the migrations; {connection} is replaced by the throwaway database's connection string " +
                          "(PGHOST, PGPORT, PGDATABASE, PGUSER and PGSEED_CONNECTION are set too). E.g. \"dotnet ef database update --connection {connection}\".",
        };
        var server = new Option<string?>("--server")
        {
            Description = "Create the throwaway database on this server (a role that may CREATE DATABASE) instead of starting a local cluster. " +
                          "Default: PGSEED_TEST_CONNECTION, else a throwaway cluster from the machine's PostgreSQL binaries.",
        };
        var schema = new Option<string?>("--schema")
        {
            Description = "Start from this schema script instead of the seed's schema.sql (which holds only the seed's tables): " +
                          "for migrations that touch other tables, give the whole schema as it was before them.",
        };
        var parallel = new Option<int>("--parallel", "-p") { Description = "Copy connections of the re-export (1-16).", DefaultValueFactory = _ => 2 };
        var verbose = CommonOptions.Verbose();
        var quiet = CommonOptions.Quiet();
        var command = new Command("upgrade", "Carry a seed across schema migrations without the source database: schema.sql, import, migrations, re-export (atomic).")
        {
            folder, migrations, migrateCommand, schema, server, parallel, verbose, quiet,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(migrations) is null) == (result.GetValue(migrateCommand) is null))
                result.AddError("Give --migrations DIR or --migrate-command \"CMD\" (one of the two).");
        });
        command.SetAction(async (result, cancellationToken) =>
        {
            var log = new ConsoleSeedLog(stdout, stderr, result.GetValue(verbose), result.GetValue(quiet), showSql: false);
            await using var host = await StartServerAsync(result.GetValue(server), cancellationToken);
            var database = $"pgseed_upgrade_{Environment.ProcessId}_{Guid.NewGuid().ToString("N")[..8]}";
            try
            {
                await host.CreateDatabaseAsync(database, cancellationToken: cancellationToken);
            }
            catch (Npgsql.NpgsqlException e)
            {
                throw new PgSeedException(ErrorCode.DatabaseError,
                    $"Could not create the upgrade's throwaway database on {ConnectionResolver.Describe(host.AdminConnectionString)}: {ConnectionResolver.Redact(e.Message)}", e);
            }
            try
            {
                var report = await SeedUpgrader.UpgradeAsync(EnvironmentSwitches.Apply(new UpgradeRequest
                {
                    SeedDirectory = result.GetValue(folder)!,
                    ScratchConnectionString = host.ConnectionStringFor(database),
                    MigrationsDirectory = result.GetValue(migrations),
                    MigrateCommand = result.GetValue(migrateCommand),
                    SchemaFile = result.GetValue(schema),
                    Parallel = result.GetValue(parallel),
                }), log, cancellationToken);
                stdout.WriteLine($"Upgraded {report.SeedDirectory}" + (report.Migrations.Count > 0 ? $" through {report.Migrations.Count} migrations" : ""));
            }
            finally
            {
                Npgsql.NpgsqlConnection.ClearAllPools();
                try
                {
                    await host.DropDatabaseAsync(database, CancellationToken.None);
                }
                catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or IOException)
                {
                    // The upgrade's own outcome (success, its error, the cancellation) is what the user needs; this is a leftover.
                    stderr.WriteLine($"warning: could not drop the throwaway database {database} on {ConnectionResolver.Describe(host.AdminConnectionString)}: " +
                                     $"{ConnectionResolver.Redact(e.Message)}. Drop it by hand.");
                }
            }
            return CliApp.Ok;
        });
        return command;
    }

    /// <summary>The server to create the throwaway database on: --server, else PGSEED_TEST_CONNECTION, else a local cluster.</summary>
    private static async Task<IPostgresServer> StartServerAsync(string? server, CancellationToken cancellationToken)
    {
        if (server is null) return await TestServers.StartAsync(cancellationToken);
        var connectionString = ConnectionResolver.Resolve(server);
        try
        {
            return await ExistingPostgresServer.ConnectAsync(connectionString, cancellationToken);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new PgSeedException(ErrorCode.ConnectionFailed,
                $"Could not connect to {ConnectionResolver.Describe(connectionString)}: {ConnectionResolver.Redact(e.Message)}", e);
        }
    }
}
