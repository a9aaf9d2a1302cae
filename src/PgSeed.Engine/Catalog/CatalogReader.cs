using Npgsql;

namespace PgSeed.Engine.Catalog;

/// <summary>
/// Reads tables, columns, keys, FKs and the sequences behind column values from pg_catalog (not information_schema:
/// FK column pairs come from conkey/confkey by ordinality, which is exact for composite keys). Partitions are not
/// tables here: they are listed under their partitioned table, and FKs declared on (or referencing) a partition
/// are attributed to the partitioned table at the top of its tree.
/// </summary>
internal static class CatalogReader
{
    /// <summary>Schemas PgSeed never touches: system schemas and PgSeed's own bookkeeping schemas.</summary>
    public const string InternalSchemaPrefix = "pgseed_";

    public static async Task<DatabaseCatalog> ReadAsync(NpgsqlConnection connection, IReadOnlyCollection<string>? schemas = null,
        CancellationToken cancellationToken = default)
    {
        ServerVersions.EnsureSupported(connection.PostgreSqlVersion.Major, connection.ServerVersion);
        var schemaFilter = schemas is { Count: > 0 } ? schemas.ToArray() : null;

        var tables = new Dictionary<uint, (TableName Name, bool Partitioned, double Rows)>();
        {
            var cmd = new NpgsqlCommand(TablesSql, connection);
            await using var cmdScope = cmd.ConfigureAwait(false);
            cmd.Parameters.AddWithValue("schemas", (object?)schemaFilter ?? DBNull.Value);
            cmd.Parameters[0].NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text;
            var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var rScope = r.ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                tables[r.GetFieldValue<uint>(0)] = (new TableName(r.GetString(1), r.GetString(2)), r.GetBoolean(3), r.GetFloat(4));
        }
        var oids = tables.Keys.ToArray();

        var columns = new Dictionary<uint, List<ColumnInfo>>();
        {
            var cmd = new NpgsqlCommand(ColumnsSql, connection);
            await using var cmdScope = cmd.ConfigureAwait(false);
            cmd.Parameters.Add(new NpgsqlParameter("oids", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Oid) { Value = oids });
            var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var rScope = r.ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var oid = r.GetFieldValue<uint>(0);
                if (!columns.TryGetValue(oid, out var list)) columns[oid] = list = new List<ColumnInfo>();
                list.Add(new ColumnInfo
                {
                    Number = r.GetInt16(1),
                    Name = r.GetString(2),
                    Type = r.GetString(3),
                    NotNull = r.GetBoolean(4),
                    HasDefault = r.GetBoolean(5),
                    Identity = r.GetChar(6),
                    Generated = r.GetChar(7) != '\0',
                    Sequence = r.IsDBNull(8) ? null : r.GetString(8),
                });
            }
        }

        var primary = new Dictionary<uint, List<string>>();
        var unique = new Dictionary<uint, List<(string, IReadOnlyList<string>)>>();
        {
            var cmd = new NpgsqlCommand(KeysSql, connection);
            await using var cmdScope = cmd.ConfigureAwait(false);
            cmd.Parameters.Add(new NpgsqlParameter("oids", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Oid) { Value = oids });
            var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var rScope = r.ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var oid = r.GetFieldValue<uint>(0);
                var cols = r.GetFieldValue<string[]>(3);
                if (r.GetChar(2) == 'p') primary[oid] = cols.ToList();
                else
                {
                    if (!unique.TryGetValue(oid, out var list)) unique[oid] = list = new();
                    list.Add((r.GetString(1), cols));
                }
            }
        }

        // Partitions of the partitioned tables, at any depth: each maps to the table at the top of its tree.
        var partitions = new Dictionary<uint, List<PartitionInfo>>();
        var partitionRoot = new Dictionary<uint, (uint Root, PartitionInfo Partition)>();
        {
            var cmd = new NpgsqlCommand(PartitionsSql, connection);
            await using var cmdScope = cmd.ConfigureAwait(false);
            cmd.Parameters.Add(new NpgsqlParameter("oids", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Oid)
                { Value = tables.Where(t => t.Value.Partitioned).Select(t => t.Key).ToArray() });
            var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var rScope = r.ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var root = r.GetFieldValue<uint>(0);
                var partition = new PartitionInfo(new TableName(r.GetString(2), r.GetString(3)), r.GetFieldValue<uint>(1),
                    new TableName(r.GetString(4), r.GetString(5)), r.GetBoolean(6)) { Foreign = r.GetBoolean(7) };
                if (!partitions.TryGetValue(root, out var list)) partitions[root] = list = new();
                list.Add(partition);
                partitionRoot[partition.Oid] = (root, partition);
            }
        }

        var fks = new List<ForeignKeyInfo>();
        {
            var cmd = new NpgsqlCommand(ForeignKeysSql, connection);
            await using var cmdScope = cmd.ConfigureAwait(false);
            cmd.Parameters.Add(new NpgsqlParameter("oids", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Oid) { Value = oids.Concat(partitionRoot.Keys).ToArray() });
            var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var rScope = r.ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var childOid = r.GetFieldValue<uint>(1);
                var parentOid = r.GetFieldValue<uint>(2);
                // A constraint of a partition (or referencing one) is an FK of the partitioned table at the top.
                var declaredOn = partitionRoot.TryGetValue(childOid, out var childPartition) ? childPartition.Partition.Name : (TableName?)null;
                if (childPartition.Partition is not null) childOid = childPartition.Root;
                if (partitionRoot.TryGetValue(parentOid, out var parentPartition)) parentOid = parentPartition.Root;
                if (!tables.TryGetValue(childOid, out var child) || !tables.TryGetValue(parentOid, out var parent)) continue;
                fks.Add(new ForeignKeyInfo
                {
                    Name = r.GetString(0),
                    Child = child.Name,
                    DeclaredOn = declaredOn,
                    Parent = parent.Name,
                    Columns = r.GetFieldValue<string[]>(3),
                    ParentColumns = r.GetFieldValue<string[]>(4),
                    Deferrable = r.GetBoolean(5),
                    InitiallyDeferred = r.GetBoolean(6),
                    Definition = r.GetString(7),
                    Mandatory = r.GetBoolean(8),
                });
            }
        }

        // Leading columns of each index: the closure asks whether an FK's columns can be looked up by index.
        var indexes = new Dictionary<uint, List<IReadOnlyList<string>>>();
        {
            var cmd = new NpgsqlCommand(IndexesSql, connection);
            await using var cmdScope = cmd.ConfigureAwait(false);
            cmd.Parameters.Add(new NpgsqlParameter("oids", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Oid) { Value = oids });
            var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var rScope = r.ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var oid = r.GetFieldValue<uint>(0);
                var byNumber = columns.TryGetValue(oid, out var cols) ? cols : new List<ColumnInfo>();
                // Key columns up to the first expression (attnum 0), which no FK lookup can use.
                var names = r.GetFieldValue<short[]>(1).TakeWhile(n => n > 0)
                    .Select(n => byNumber.FirstOrDefault(c => c.Number == n)?.Name).TakeWhile(n => n is not null).Select(n => n!).ToList();
                if (names.Count == 0) continue;
                if (!indexes.TryGetValue(oid, out var list)) indexes[oid] = list = new();
                list.Add(names);
            }
        }

        var infos = tables.Select(kv => new TableInfo
        {
            Oid = kv.Key,
            Name = kv.Value.Name,
            Partitioned = kv.Value.Partitioned,
            Partitions = partitions.TryGetValue(kv.Key, out var parts) ? parts : [],
            EstimatedRows = kv.Value.Rows,
            Columns = columns.TryGetValue(kv.Key, out var c) ? c : new List<ColumnInfo>(),
            PrimaryKey = primary.TryGetValue(kv.Key, out var p) ? p : Array.Empty<string>(),
            UniqueKeys = unique.TryGetValue(kv.Key, out var u) ? u : new(),
            IndexedColumns = indexes.TryGetValue(kv.Key, out var ix) ? ix : new(),
        }).ToList();

        int version;
        string[] searchPath;
        {
            var cmd = new NpgsqlCommand("SELECT current_setting('server_version_num')::int, current_schemas(false)::text[]", connection);
            await using var cmdScope = cmd.ConfigureAwait(false);
            var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var rScope = r.ConfigureAwait(false);
            await r.ReadAsync(cancellationToken).ConfigureAwait(false);
            version = r.GetInt32(0);
            searchPath = r.GetFieldValue<string[]>(1);
        }

        // Stable order so everything derived from the catalog is deterministic.
        fks.Sort((a, b) =>
        {
            var c = a.Child.CompareTo(b.Child);
            if (c == 0) c = string.CompareOrdinal(a.Name, b.Name);
            return c != 0 ? c : a.ConstraintTable.CompareTo(b.ConstraintTable);
        });
        return new DatabaseCatalog(infos, fks, version, searchPath);
    }

    private const string TablesSql = """
        SELECT c.oid, n.nspname, c.relname, c.relkind = 'p', c.reltuples
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p')
          AND NOT c.relispartition
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg\_toast%'
          AND n.nspname NOT LIKE 'pg\_temp\_%'
          AND n.nspname NOT LIKE 'pgseed\_%'
          AND (@schemas::text[] IS NULL OR n.nspname = ANY(@schemas::text[]))
          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                          WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
        ORDER BY n.nspname, c.relname
        """;

    private const string ColumnsSql = """
        SELECT a.attrelid, a.attnum, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),
               a.attnotnull, a.atthasdef, a.attidentity, a.attgenerated,
               -- The sequence the column's values come from: the one its default calls nextval() on (also when the
               -- sequence is not OWNED BY the column), else the one it owns (identity columns have no default).
               coalesce(
                 (SELECT pg_catalog.quote_ident(sn.nspname) || '.' || pg_catalog.quote_ident(s.relname)
                  FROM pg_catalog.pg_attrdef ad
                  JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.objid = ad.oid
                   AND d.refclassid = 'pg_catalog.pg_class'::regclass
                  JOIN pg_catalog.pg_class s ON s.oid = d.refobjid AND s.relkind = 'S'
                  JOIN pg_catalog.pg_namespace sn ON sn.oid = s.relnamespace
                  WHERE ad.adrelid = a.attrelid AND ad.adnum = a.attnum
                  ORDER BY 1 LIMIT 1),
                 (SELECT pg_catalog.quote_ident(sn.nspname) || '.' || pg_catalog.quote_ident(s.relname)
                  FROM pg_catalog.pg_depend d
                  JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S'
                  JOIN pg_catalog.pg_namespace sn ON sn.oid = s.relnamespace
                  WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass
                    AND d.refobjid = a.attrelid AND d.refobjsubid = a.attnum AND d.deptype IN ('a', 'i')
                  LIMIT 1))
        FROM pg_catalog.pg_attribute a
        WHERE a.attrelid = ANY(@oids) AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attrelid, a.attnum
        """;

    private const string PartitionsSql = """
        WITH RECURSIVE tree(root, oid, parent, level) AS (
            SELECT i.inhparent, i.inhrelid, i.inhparent, 1 FROM pg_catalog.pg_inherits i WHERE i.inhparent = ANY(@oids)
            UNION ALL
            SELECT t.root, i.inhrelid, i.inhparent, t.level + 1 FROM tree t JOIN pg_catalog.pg_inherits i ON i.inhparent = t.oid)
        SELECT t.root, c.oid, n.nspname, c.relname, pn.nspname, p.relname, c.relkind <> 'p', c.relkind = 'f'
        FROM tree t
        JOIN pg_catalog.pg_class c ON c.oid = t.oid AND c.relispartition
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_catalog.pg_class p ON p.oid = t.parent
        JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
        ORDER BY t.root, t.level, n.nspname, c.relname
        """;

    private const string KeysSql = """
        SELECT con.conrelid, con.conname, con.contype,
               ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                     JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
                     ORDER BY k.ord)::text[]
        FROM pg_catalog.pg_constraint con
        WHERE con.contype IN ('p', 'u') AND con.conrelid = ANY(@oids)
        ORDER BY con.conrelid, con.contype, con.conname
        """;

    private const string IndexesSql = """
        SELECT i.indrelid, i.indkey::int2[]
        FROM pg_catalog.pg_index i
        WHERE i.indrelid = ANY(@oids) AND i.indisvalid AND i.indpred IS NULL
        ORDER BY i.indrelid, i.indexrelid
        """;

    private const string ForeignKeysSql = """
        SELECT con.conname, con.conrelid, con.confrelid,
               ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                     JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
                     ORDER BY k.ord)::text[],
               ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                     JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
                     ORDER BY k.ord)::text[],
               con.condeferrable, con.condeferred, pg_catalog.pg_get_constraintdef(con.oid),
               (SELECT bool_and(a.attnotnull) FROM unnest(con.conkey) k(attnum)
                JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum)
        FROM pg_catalog.pg_constraint con
        WHERE con.contype = 'f' AND con.conparentid = 0 AND con.conrelid = ANY(@oids)
        ORDER BY con.conrelid, con.conname
        """;
}
