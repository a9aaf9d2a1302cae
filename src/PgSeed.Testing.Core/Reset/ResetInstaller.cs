using Npgsql;
using PgSeed.Engine.Catalog;

namespace PgSeed.Testing.Reset;

/// <summary>
/// Installs what a reset strategy needs into a freshly seeded template database, so every clone starts with
/// it: the in-database seed snapshot (change capture and truncate-and-reload) and the capture triggers and
/// reset function (change capture). Probes once what the role may do: <c>session_replication_role</c>
/// (FK checks off during the reset) and event triggers (superuser).
/// </summary>
internal static class ResetInstaller
{
    public static async Task InstallAsync(string connectionString, ResetStrategy strategy, CancellationToken cancellationToken)
    {
        if (strategy == ResetStrategy.CloneFromTemplate) return;
        var connection = await Engine.Connection.Sessions.OpenAsync(connectionString, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var catalog = await CatalogReader.ReadAsync(connection, cancellationToken: cancellationToken).ConfigureAwait(false);
            var tables = catalog.Tables.Select(info => new ResetTable(info)).ToList();
            var parentsFirst = TableOrder.ParentsFirst(tables);
            var replica = await CanUseReplicaRoleAsync(connection, cancellationToken).ConfigureAwait(false);

            var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                await ExecuteAsync(connection, SnapshotScript.Build(parentsFirst, replica), cancellationToken).ConfigureAwait(false);
                if (strategy == ResetStrategy.ChangeCapture)
                {
                    var superuser = await ScalarAsync<bool>(connection, "SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user", cancellationToken)
                        .ConfigureAwait(false);
                    await ExecuteAsync(connection, CaptureScript.Build(parentsFirst, replica, eventTrigger: superuser), cancellationToken).ConfigureAwait(false);
                }
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            // Statistics in the template carry over to every clone, so the reset's queries plan well from the start.
            await ExecuteAsync(connection, "ANALYZE", cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<bool> CanUseReplicaRoleAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (tx.ConfigureAwait(false))
        {
            try
            {
                await ExecuteAsync(connection, "SET LOCAL session_replication_role = replica", cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                return false;
            }
            finally
            {
                await tx.RollbackAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await using (cmd.ConfigureAwait(false))
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        var cmd = new NpgsqlCommand(sql, connection);
        await using (cmd.ConfigureAwait(false))
            return (T)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>The reset function's call (an expression), for the fixture's prepared statement.</summary>
    public static readonly string ResetCall = $"{ResetSchema.Quoted}.reset($1)";

    public static readonly string ReloadAllCall = $"{ResetSchema.Quoted}.reload_all()";
}
