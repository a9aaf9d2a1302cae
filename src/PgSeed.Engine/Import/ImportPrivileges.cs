using Npgsql;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Import;

/// <summary>
/// Every privilege the planned import needs, checked in one round trip before the first write (PGSEED049 lists
/// all that are missing, with the GRANT statements that fix them), so no import fails for lack of a privilege after
/// loading its rows. Also tells which sequences the role owns: those move transactionally (<see cref="SequenceStep"/>).
/// See docs/import.md, "Privileges".
/// </summary>
internal static class ImportPrivileges
{
    private sealed record Check(string Kind, string Target, string Privilege, IReadOnlyList<string> Columns, string Need, string Grant);

    public static async Task<ImportPlan> CheckAsync(NpgsqlConnection connection, ImportPlan plan, string role, CancellationToken cancellationToken)
    {
        var checks = new List<Check>();
        var r = Identifier.Quote(role);
        void Table(Catalog.TableName t, string privilege, IReadOnlyList<string> columns, string why) =>
            checks.Add(new Check("table", t.Sql, privilege, columns, $"{privilege} on {t.Display} ({why})",
                columns.Count == 0 ? $"GRANT {privilege} ON {t.Sql} TO {r};" : $"GRANT {privilege} ({Identifier.List(columns)}) ON {t.Sql} TO {r};"));

        foreach (var schema in plan.Tables.Select(t => t.Target.Name.Schema).Distinct())
            checks.Add(new Check("schema", schema, "USAGE", [], $"USAGE on schema {schema}", $"GRANT USAGE ON SCHEMA {Identifier.Quote(schema)} TO {r};"));
        if (plan.Tables.Any(t => t.Staged))
            checks.Add(new Check("database", "", "TEMPORARY", [], "TEMPORARY on the database (files are staged in temporary tables)",
                "GRANT TEMPORARY ON DATABASE <database> TO " + r + ";"));
        foreach (var t in plan.Tables)
        {
            Table(t.Target.Name, "INSERT", t.WrittenColumns, "to load rows");
            if (t.ConflictKey is not null)
            {
                Table(t.Target.Name, "SELECT", t.ConflictKey.Concat(t.UpdatedColumns).ToList(), "upsert compares rows");
                if (t.UpdatedColumns.Count > 0) Table(t.Target.Name, "UPDATE", t.UpdatedColumns, "upsert updates rows");
            }
            if (plan.Mode == ImportMode.Truncate) Table(t.Target.Name, "TRUNCATE", [], OptionNames.ImportTruncate);
        }
        foreach (var t in plan.CascadedTables) Table(t, "TRUNCATE", [], "it references the seed's tables and is truncated with them");
        foreach (var fk in plan.Dropped)
            Table(fk.Key.Parent, "REFERENCES", fk.Key.ParentColumns, $"to re-add FK {fk.Key.Display}");
        foreach (var s in plan.Sequences)
        {
            Table(s.Table, "SELECT", [s.Column], $"to move sequence {s.Sequence} past the imported values");
            checks.Add(new Check("owner", s.Sequence, "", [], "", ""));
            checks.Add(new Check("sequence", s.Sequence, "SELECT", [], $"SELECT on sequence {s.Sequence} (or owning it)", $"GRANT SELECT, UPDATE ON SEQUENCE {s.Sequence} TO {r};"));
            checks.Add(new Check("sequence", s.Sequence, "UPDATE", [], $"UPDATE on sequence {s.Sequence} (or owning it)", $"GRANT SELECT, UPDATE ON SEQUENCE {s.Sequence} TO {r};"));
        }

        const string sql = """
            SELECT c.i, CASE c.kind
                WHEN 'schema' THEN pg_catalog.has_schema_privilege(c.target, c.privilege)
                WHEN 'database' THEN pg_catalog.has_database_privilege(current_database(), c.privilege)
                WHEN 'sequence' THEN pg_catalog.has_sequence_privilege(c.target, c.privilege)
                WHEN 'owner' THEN pg_catalog.pg_has_role((SELECT relowner FROM pg_catalog.pg_class WHERE oid = c.target::regclass), 'USAGE')
                ELSE pg_catalog.has_table_privilege(c.target, c.privilege)
                     OR (c.columns <> '' AND NOT EXISTS (SELECT 1 FROM unnest(string_to_array(c.columns, E'\x1f')) col
                                                       WHERE NOT pg_catalog.has_column_privilege(c.target, col, c.privilege)))
                END, current_database()::text
            FROM unnest(@kinds::text[], @targets::text[], @privileges::text[], @columns::text[]) WITH ORDINALITY AS c(kind, target, privilege, columns, i)
            ORDER BY c.i
            """;
        var granted = new bool[checks.Count];
        var database = "";
        {
            var cmd = new NpgsqlCommand(sql, connection);
            await using var cmdScope = cmd.ConfigureAwait(false);
            cmd.Parameters.AddWithValue("kinds", checks.Select(c => c.Kind).ToArray());
            cmd.Parameters.AddWithValue("targets", checks.Select(c => c.Target).ToArray());
            cmd.Parameters.AddWithValue("privileges", checks.Select(c => c.Privilege).ToArray());
            cmd.Parameters.AddWithValue("columns", checks.Select(c => string.Join('\x1f', c.Columns)).ToArray());
            var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                granted[reader.GetInt64(0) - 1] = !reader.IsDBNull(1) && reader.GetBoolean(1);
                database = reader.GetString(2);
            }
        }

        var owned = new HashSet<string>();
        for (var i = 0; i < checks.Count; i++)
            if (checks[i].Kind == "owner" && granted[i]) owned.Add(checks[i].Target);
        var missing = checks.Select((c, i) => (c, i))
            .Where(x => x.c.Kind != "owner" && !granted[x.i] && !(x.c.Kind == "sequence" && owned.Contains(x.c.Target)))
            .Select(x => x.c).ToList();
        if (missing.Count > 0)
            throw new PgSeedException(ErrorCode.PermissionDenied,
                $"Role {role} lacks privileges this import needs (checked before writing anything): {string.Join("; ", missing.Select(m => m.Need).Distinct())}. " +
                $"Grant them as the tables' owner or a superuser: {string.Join(" ", missing.Select(m => m.Grant.Replace("<database>", Identifier.Quote(database))).Distinct())} " +
                "Or import as the tables' owner. See docs/import.md, \"Privileges\".");
        return plan with { Sequences = plan.Sequences.Select(s => s with { Owned = owned.Contains(s.Sequence) }).ToList() };
    }
}
