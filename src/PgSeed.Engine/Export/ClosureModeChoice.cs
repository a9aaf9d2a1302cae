using Npgsql;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Export;

/// <summary>
/// Decides where the closure runs (<see cref="ClosureMode"/>) and says why: on the server unless it cannot create
/// temporary tables there — a standby (<c>pg_is_in_recovery()</c>) or a role without TEMPORARY — or the user asked.
/// </summary>
internal static class ClosureModeChoice
{
    public static async Task<(ClosureMode Mode, string Reason)> ChooseAsync(NpgsqlConnection connection, ClosureMode requested, SubsetPlan plan,
        CancellationToken cancellationToken)
    {
        var cmd = new NpgsqlCommand(
            "SELECT pg_catalog.pg_is_in_recovery(), pg_catalog.has_database_privilege(current_database(), 'TEMP'), current_user::text, current_database()::text",
            connection);
        await using var cmdScope = cmd.ConfigureAwait(false);
        var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var (standby, temp, role, database) = (reader.GetBoolean(0), reader.GetBoolean(1), reader.GetString(2), reader.GetString(3));
        var computed = plan.Tables.Any(t => !t.All);
        switch (requested)
        {
            case ClosureMode.Server when standby && computed:
                throw new PgSeedException(ErrorCode.ServerClosureOnStandby,
                    $"{OptionNames.ExportClosureServer} computes the subset in temporary tables, and {database} is on a standby (pg_is_in_recovery()), where PostgreSQL " +
                    $"allows none. Use {OptionNames.ExportClosureClient} (or auto, the default), which writes nothing on the server, or export from the primary.");
            case ClosureMode.Server:
                return (ClosureMode.Server, OptionNames.ExportClosureServer);
            case ClosureMode.Client:
                return (ClosureMode.Client, OptionNames.ExportClosureClient);
        }
        if (!computed) return (ClosureMode.Server, "every exported table is complete: no row set to compute, nothing written");
        if (standby) return (ClosureMode.Client, "the server is a standby (pg_is_in_recovery()), where temporary tables cannot be created");
        if (!temp) return (ClosureMode.Client, $"role {role} lacks TEMPORARY on database {database}");
        return (ClosureMode.Server, $"temporary tables on the server (the default; {OptionNames.ExportClosureClient} keeps the keys in this process instead)");
    }
}
