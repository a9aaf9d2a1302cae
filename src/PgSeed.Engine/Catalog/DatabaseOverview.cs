using Npgsql;
using PgSeed.Engine.Connection;

namespace PgSeed.Engine.Catalog;

/// <summary>
/// Reads the overview of a database's tables for <c>pgseed list</c> — the first command a new user runs before
/// choosing a root: estimated rows and size (from the statistics, no table is scanned), keys, FKs in and out, and
/// the columns the personal-data lint flags by name or type.
/// </summary>
internal static class DatabaseOverview
{
    /// <param name="patterns">Table names or globs (<c>order*</c>, <c>sales.*</c>); empty: every table.</param>
    /// <param name="connectionString">The database to describe.</param>
    /// <param name="schemas">Limit to these schemas; empty: every non-system schema.</param>
    /// <param name="cancellationToken">Cancels the work (and its server queries).</param>
    public static async Task<IReadOnlyList<TableOverview>> ReadAsync(string connectionString, IReadOnlyList<string> schemas,
        IReadOnlyList<string> patterns, CancellationToken cancellationToken = default)
    {
        var connection = await Sessions.OpenAsync(connectionString, cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var catalog = await CatalogReader.ReadAsync(connection, schemas, cancellationToken).ConfigureAwait(false);
        var tables = patterns.Count == 0
            ? catalog.Tables.ToList()
            : patterns.SelectMany(p => TablePattern.Match(catalog, p, "table")).Distinct().OrderBy(t => t.Name).ToList();
        if (tables.Count == 0) return [];

        var sizes = new Dictionary<uint, (long Bytes, long? Rows)>();
        {
            var cmd = new NpgsqlCommand(SizesSql, connection);
            await using var cmdScope = cmd.ConfigureAwait(false);
            cmd.Parameters.Add(new NpgsqlParameter("oids", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Oid) { Value = tables.Select(t => t.Oid).ToArray() });
            var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                sizes[reader.GetFieldValue<uint>(0)] = (reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetInt64(2));
        }

        static ForeignKeyOverview Describe(ForeignKeyInfo f) => new(f.Name, f.Child.Display, f.Columns, f.Parent.Display, f.ParentColumns);
        return tables.Select(t => new TableOverview
        {
            Name = t.Name.Display,
            Schema = t.Name.Schema,
            Table = t.Name.Name,
            Partitioned = t.Partitioned,
            EstimatedRows = sizes.TryGetValue(t.Oid, out var s) ? s.Rows : null,
            SizeBytes = sizes.TryGetValue(t.Oid, out s) ? s.Bytes : 0,
            PrimaryKey = t.PrimaryKey,
            ForeignKeys = t.ForeignKeys.OrderBy(f => f.Name, StringComparer.Ordinal).Select(Describe).ToList(),
            ReferencedBy = t.ReferencedBy.OrderBy(f => f.Child).ThenBy(f => f.Name, StringComparer.Ordinal).Select(Describe).ToList(),
            PersonalData = t.DataColumns
                .Select(c => (c.Name, Kind: PersonalColumnNames.KindOf(t.Name, c) ?? (c.Type is "inet" or "cidr" ? "ip" : null)))
                .Where(x => x.Kind is not null && !t.ForeignKeys.Any(f => f.Columns.Contains(x.Name)) && !(t.RowKey ?? []).Contains(x.Name))
                .Select(x => new PersonalColumn(x.Name, x.Kind!)).ToList(),
        }).ToList();
    }

    // Leaves hold the rows and the storage of a partitioned table; reltuples < 0 (PostgreSQL 14+) means never analysed.
    private const string SizesSql = """
        SELECT t.oid,
               sum(pg_catalog.pg_total_relation_size(r.relid))::bigint,
               CASE WHEN bool_or(c.reltuples < 0) THEN NULL ELSE sum(c.reltuples)::bigint END
        FROM unnest(@oids) AS t(oid)
        CROSS JOIN LATERAL (SELECT p.relid FROM pg_catalog.pg_partition_tree(t.oid) p WHERE p.isleaf
                            UNION
                            SELECT t.oid WHERE (SELECT relkind FROM pg_catalog.pg_class WHERE oid = t.oid) <> 'p') r
        JOIN pg_catalog.pg_class c ON c.oid = r.relid
        GROUP BY t.oid
        """;
}
