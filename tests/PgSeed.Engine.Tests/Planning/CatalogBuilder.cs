using PgSeed.Engine.Catalog;

namespace PgSeed.Engine.Tests.Planning;

/// <summary>
/// Builds a <see cref="DatabaseCatalog"/> in memory, shaped as <see cref="CatalogReader"/> would read it from
/// <c>pg_catalog</c>: the planner's unit tests need no PostgreSQL. Tables live in <c>public</c> unless a name is
/// qualified; a column written <c>name?</c> is nullable, any other NOT NULL; every column is an <c>integer</c>.
/// An FK is mandatory when all its columns are NOT NULL (what the reader's query computes).
/// </summary>
internal sealed class CatalogBuilder
{
    private readonly List<TableSpec> _tables = [];
    private readonly List<ForeignKeyInfo> _foreignKeys = [];

    private sealed class TableSpec(TableName name, IReadOnlyList<ColumnInfo> columns)
    {
        public TableName Name { get; } = name;
        public IReadOnlyList<ColumnInfo> Columns { get; } = columns;
        public IReadOnlyList<string> PrimaryKey { get; set; } = [];
        public List<(string Name, IReadOnlyList<string> Columns)> UniqueKeys { get; } = [];
        public List<PartitionInfo> Partitions { get; } = [];
    }

    /// <summary>A table with these columns (<c>name?</c>: nullable) and, when given, this primary key.</summary>
    public CatalogBuilder Table(string name, string[] columns, string[]? primaryKey = null)
    {
        var specs = columns.Select((c, i) => new ColumnInfo
        {
            Name = c.TrimEnd('?'),
            Number = i + 1,
            Type = "integer",
            NotNull = !c.EndsWith('?') || (primaryKey?.Contains(c.TrimEnd('?')) ?? false),
            HasDefault = false,
        }).ToList();
        _tables.Add(new TableSpec(Name(name), specs) { PrimaryKey = primaryKey ?? [] });
        return this;
    }

    /// <summary>A unique constraint (the row key of a table without primary key when its columns are NOT NULL).</summary>
    public CatalogBuilder Unique(string table, string constraint, params string[] columns)
    {
        Spec(table).UniqueKeys.Add((constraint, columns));
        return this;
    }

    /// <summary>A leaf partition of <paramref name="table"/> (which becomes partitioned).</summary>
    public CatalogBuilder Partition(string table, string partition)
    {
        var spec = Spec(table);
        spec.Partitions.Add(new PartitionInfo(Name(partition), (uint)(10_000 + _tables.IndexOf(spec) * 100 + spec.Partitions.Count), spec.Name, Leaf: true));
        return this;
    }

    /// <summary>FK <paramref name="name"/>: <paramref name="columns"/> of <paramref name="child"/> reference <paramref name="parentColumns"/> of <paramref name="parent"/>.</summary>
    public CatalogBuilder ForeignKey(string name, string child, string[] columns, string parent, string[] parentColumns, bool deferrable = false)
    {
        var childSpec = Spec(child);
        if (columns.Length != parentColumns.Length) throw new ArgumentException($"{name}: as many columns on both sides");
        if (parentColumns.Concat(columns).Except(Spec(parent).Columns.Concat(childSpec.Columns).Select(x => x.Name)).Any())
            throw new ArgumentException($"{name}: no such column");
        _foreignKeys.Add(new ForeignKeyInfo
        {
            Name = name,
            Child = childSpec.Name,
            Columns = columns,
            Parent = Name(parent),
            ParentColumns = parentColumns,
            Deferrable = deferrable,
            Definition = $"FOREIGN KEY ({string.Join(", ", columns)}) REFERENCES {Name(parent).Sql}({string.Join(", ", parentColumns)})",
            Mandatory = columns.All(c => childSpec.Columns.Single(x => x.Name == c).NotNull),
        });
        return this;
    }

    /// <summary>One-column FK shorthand: <c>ForeignKey("b_a_id_fkey", "b", "a_id", "a", "id")</c>.</summary>
    public CatalogBuilder ForeignKey(string name, string child, string column, string parent, string parentColumn, bool deferrable = false) =>
        ForeignKey(name, child, [column], parent, [parentColumn], deferrable);

    /// <summary>A fresh catalog (the planner adds virtual FKs to the catalog it plans, so build one per plan).</summary>
    public DatabaseCatalog Build()
    {
        var tables = _tables.Select((t, i) => new TableInfo
        {
            Name = t.Name,
            Oid = (uint)(1000 + i),
            Partitioned = t.Partitions.Count > 0,
            Partitions = t.Partitions.ToList(),
            EstimatedRows = 1000,
            Columns = t.Columns,
            PrimaryKey = t.PrimaryKey,
            UniqueKeys = t.UniqueKeys.ToList(),
            IndexedColumns = t.PrimaryKey.Count > 0 ? [t.PrimaryKey] : [],
        });
        // The reader's order: by child, then constraint name.
        var fks = _foreignKeys.OrderBy(f => f.Child).ThenBy(f => f.Name, StringComparer.Ordinal).ToList();
        return new DatabaseCatalog(tables, fks, 150000, ["public"]);
    }

    private TableSpec Spec(string table) => _tables.Single(t => t.Name == Name(table));

    private static TableName Name(string text) =>
        text.Split('.') is [var schema, var name] ? new TableName(schema, name) : new TableName("public", text);
}
