using Npgsql;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Export;

/// <summary>
/// What the exporting role must be allowed, checked before anything runs: create temporary tables (the closure's
/// key tables; TEMP on the database), use each exported table's schema and read the table (SELECT on it, or on
/// every column the export reads). A missing privilege is PGSEED017 naming it and the GRANT that fixes it.
/// </summary>
internal static class ExportPrivileges
{
    /// <param name="serverClosure">The subset is computed in temporary tables (<see cref="ClosureMode.Server"/>): TEMP is needed.</param>
    /// <param name="connection">The exporting connection.</param>
    /// <param name="plan">The planned tables and columns.</param>
    /// <param name="cancellationToken">Cancels the work (and its server queries).</param>
    public static async Task CheckAsync(NpgsqlConnection connection, SubsetPlan plan, bool serverClosure, CancellationToken cancellationToken)
    {
        var needsTemp = serverClosure && plan.Tables.Any(t => !t.All);
        var tables = plan.Tables.ToList();
        const string sql = """
            SELECT current_user::text, current_database()::text, pg_catalog.has_database_privilege(current_database(), 'TEMP'),
                   t.i, pg_catalog.has_schema_privilege(c.relnamespace, 'USAGE'),
                   pg_catalog.has_table_privilege(c.oid, 'SELECT')
                   OR NOT EXISTS (SELECT 1 FROM unnest(string_to_array(t.cols, E'\x1f')) col
                                  WHERE NOT pg_catalog.has_column_privilege(c.oid, col, 'SELECT'))
            FROM unnest(@oids::oid[], @columns::text[]) WITH ORDINALITY AS t(oid, cols, i)
            JOIN pg_catalog.pg_class c ON c.oid = t.oid
            ORDER BY t.i
            """;
        var cmd = new NpgsqlCommand(sql, connection);
        await using var cmdScope = cmd.ConfigureAwait(false);
        cmd.Parameters.Add(new NpgsqlParameter("oids", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Oid) { Value = tables.Select(t => t.Info.Oid).ToArray() });
        cmd.Parameters.AddWithValue("columns", tables.Select(t => string.Join('\x1f', ColumnsRead(plan, t))).ToArray());
        var missing = new List<string>();
        var grants = new List<string>();
        string role = "", database = "";
        var schemasReported = new HashSet<string>();
        {
            var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                role = reader.GetString(0);
                database = reader.GetString(1);
                if (needsTemp && !reader.GetBoolean(2) && missing.Count == 0)
                {
                    missing.Add($"TEMPORARY on database {database} ({OptionNames.ExportClosureServer} computes the subset in temporary tables; {OptionNames.ExportClosureClient} needs none)");
                    grants.Add($"GRANT TEMPORARY ON DATABASE {Identifier.Quote(database)} TO {Identifier.Quote(role)};");
                }
                var table = tables[(int)reader.GetInt64(3) - 1];
                if (!reader.GetBoolean(4))
                {
                    if (schemasReported.Add(table.Name.Schema))
                    {
                        missing.Add($"USAGE on schema {table.Name.Schema}");
                        grants.Add($"GRANT USAGE ON SCHEMA {Identifier.Quote(table.Name.Schema)} TO {Identifier.Quote(role)};");
                    }
                }
                else if (!reader.GetBoolean(5))
                {
                    missing.Add($"SELECT on {table.Name.Display}");
                    grants.Add($"GRANT SELECT ON {table.Name.Sql} TO {Identifier.Quote(role)};");
                }
            }
        }
        if (missing.Count == 0) return;
        throw new PgSeedException(ErrorCode.ExportPermissionDenied,
            $"Role {role} lacks privileges the export needs: {string.Join("; ", missing)}. Nothing was read. " +
            $"Grant them (as the owner or a superuser): {string.Join(" ", grants)} Or export as a role that has them.")
            { Table = tables.FirstOrDefault(t => missing.Any(m => m.EndsWith(t.Name.Display, StringComparison.Ordinal)))?.Name.Display };
    }

    /// <summary>A privilege error met anyway (e.g. a where rule reading another table): PGSEED017 with the server's words.</summary>
    public static PgSeedException Denied(PostgresException e) =>
        new(ErrorCode.ExportPermissionDenied,
            $"Permission denied while exporting: {e.MessageText}. The exporting role needs TEMPORARY on the database, USAGE on the tables' schemas " +
            "and SELECT on every exported table (and on tables your filters and rules read): grant them, or export as a role that has them.", e)
            { Table = e.TableName };

    /// <summary>The columns the export reads from a table: exported, key and FK columns.</summary>
    private static IEnumerable<string> ColumnsRead(SubsetPlan plan, PlannedTable t) =>
        t.ExportColumns.Select(c => c.Name)
            .Concat(t.KeyColumns ?? [])
            .Concat(plan.ParentEdges.Concat(plan.ChildEdges).Where(f => f.Child == t.Name).SelectMany(f => f.Columns))
            .Concat(plan.ParentEdges.Concat(plan.ChildEdges).Where(f => f.Parent == t.Name).SelectMany(f => f.ParentColumns))
            .Distinct();
}
