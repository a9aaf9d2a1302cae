using Npgsql;
using PgSeed.Engine.Catalog;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Import;

/// <summary>
/// With triggers off (<c>session_replication_role = replica</c>) PostgreSQL checks no FK. The FKs declared on the
/// seed's tables are dropped and re-added, which validates them; an FK of a table outside the seed that references a
/// seed table is checked here instead, set-based, when the upsert may change the columns it references (a unique
/// key other than the one rows are matched on). Append only adds rows and truncate empties the referencing tables,
/// so neither can leave such a reference dangling.
/// </summary>
internal static class ReferencingRowsCheck
{
    public static IReadOnlyList<ForeignKeyInfo> Plan(ImportRequest request, IReadOnlyList<TablePlan> tables, IReadOnlySet<TableName> seedSet)
    {
        if (!request.DisableTriggers || request.Mode != ImportMode.Upsert) return [];
        return tables.SelectMany(t => t.Target.ReferencedBy
                .Where(fk => !seedSet.Contains(fk.Child) && fk.ParentColumns.Any(t.UpdatedColumns.Contains))
                .SelectMany(fk => fk.Constraints))
            .ToList();
    }

    /// <summary>The first referencing row whose parent row is gone, if any (the row's FK values as text).</summary>
    public static string Sql(ForeignKeyInfo fk) =>
        $"SELECT ROW({Identifier.List("c", fk.Columns)})::text FROM {fk.ConstraintTable.Sql} c WHERE " +
        string.Join(" AND ", fk.Columns.Select(col => $"c.{Identifier.Quote(col)} IS NOT NULL")) +
        $" AND NOT EXISTS (SELECT 1 FROM {fk.Parent.Sql} p WHERE " +
        string.Join(" AND ", fk.Columns.Zip(fk.ParentColumns, (col, pc) => $"p.{Identifier.Quote(pc)} = c.{Identifier.Quote(col)}")) + ") LIMIT 1";

    public static async Task RunAsync(NpgsqlConnection connection, ForeignKeyInfo fk, CancellationToken cancellationToken)
    {
        var cmd = new NpgsqlCommand(Sql(fk), connection);
        await using var cmdScope = cmd.ConfigureAwait(false);
        if (await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string values)
            throw new PgSeedException(ErrorCode.ForeignKeyViolation,
                $"FK violation: table {fk.ConstraintTable.Display}, constraint {fk.Name}: ({string.Join(", ", fk.Columns)})={values} no longer has its row in " +
                $"{fk.Parent.Display}: the upsert changed the referenced columns, and with {OptionNames.ImportDisableTriggers} PostgreSQL did not check it. " +
                $"Import without {OptionNames.ImportDisableTriggers} (the FK's own action then applies), or update the referencing rows first.")
                { Table = fk.ConstraintTable.Display };
    }
}
