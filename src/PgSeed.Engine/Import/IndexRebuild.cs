using Npgsql;
using NpgsqlTypes;
using PgSeed.Engine.Catalog;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Import;

/// <summary>
/// Secondary indexes of tables emptied by the import's TRUNCATE, or found empty by a plain import of many rows (a fresh
/// database, a copy's target), are dropped before the COPY and built again after it, in the same transaction.
/// Inserting rows one by one into an index in random key order (an index on an FK column, for instance) cost a
/// 1.2 M-row COPY three times its time; one sorted build afterwards is a fraction of that
/// (docs/benchmarks.md). Only indexes that can be re-created exactly from <c>pg_get_indexdef</c> are rebuilt: plain,
/// valid, non-unique indexes of plain tables the role owns, backing no constraint, in the default tablespace, with
/// nothing depending on them and no settings outside their definition (their comment is put back). Unique and
/// constraint indexes stay, so duplicates are still caught row by row while loading. A failure anywhere rolls the
/// drop back with everything else.
/// </summary>
internal sealed record IndexRebuild(TableName Table, string DropSql, string CreateSql, string? CommentSql)
{
    private const string Sql = """
        SELECT tn.nspname, t.relname, n.nspname, ic.relname, pg_catalog.pg_get_indexdef(i.indexrelid),
               pg_catalog.obj_description(i.indexrelid, 'pg_class')
        FROM pg_catalog.pg_index i
        JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
        JOIN pg_catalog.pg_namespace n ON n.oid = ic.relnamespace
        JOIN pg_catalog.pg_class t ON t.oid = i.indrelid
        JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
        JOIN unnest(@schemas, @tables) AS s(schema_name, table_name) ON s.schema_name = tn.nspname AND s.table_name = t.relname
        WHERE t.relkind = 'r' AND NOT t.relispartition AND ic.relkind = 'i' AND ic.reltablespace = 0
          AND NOT i.indisunique AND NOT i.indisexclusion AND NOT i.indisclustered AND NOT i.indisreplident
          AND i.indisvalid AND i.indisready AND i.indislive
          AND pg_catalog.pg_has_role(current_user, t.relowner, 'USAGE')
          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conindid = i.indexrelid)
          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = i.indexrelid)
          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = i.indexrelid AND d.deptype IN ('e', 'x'))
          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_seclabel l WHERE l.classoid = 'pg_catalog.pg_class'::regclass AND l.objoid = i.indexrelid)
          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attrelid = i.indexrelid AND a.attstattarget >= 0)
        ORDER BY tn.nspname, t.relname, ic.relname
        """;

    /// <summary>Rows a plain import must expect in an empty table before its indexes are rebuilt rather than kept (below that, the DDL costs more than it saves).</summary>
    public const long AppendRows = 10_000;

    /// <summary>
    /// The indexes to rebuild on <paramref name="tables"/> (tables truncated by this import, or found empty). Read inside the
    /// import's transaction, right before the DROP INDEX statements that lock their tables until the rebuild.
    /// </summary>
    public static async Task<IReadOnlyList<IndexRebuild>> ReadAsync(NpgsqlConnection connection, IReadOnlyList<TableName> tables,
        CancellationToken cancellationToken)
    {
        var result = new List<IndexRebuild>();
        if (tables.Count == 0) return result;
        var cmd = new NpgsqlCommand(Sql, connection);
        await using var cmdScope = cmd.ConfigureAwait(false);
        cmd.Parameters.Add(new NpgsqlParameter("schemas", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = tables.Select(t => t.Schema).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("tables", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = tables.Select(t => t.Name).ToArray() });
        var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var index = $"{Identifier.Quote(reader.GetString(2))}.{Identifier.Quote(reader.GetString(3))}";
            var comment = reader.IsDBNull(5) ? null : $"COMMENT ON INDEX {index} IS {Identifier.Literal(reader.GetString(5))}";
            result.Add(new IndexRebuild(new TableName(reader.GetString(0), reader.GetString(1)), $"DROP INDEX {index}", reader.GetString(4), comment));
        }
        return result;
    }
}
