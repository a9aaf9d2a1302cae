using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Catalog;

/// <summary>A schema-qualified table name, exactly as stored in the catalog (case preserved).</summary>
internal readonly record struct TableName(string Schema, string Name) : IComparable<TableName>
{
    /// <summary>Quoted for SQL: <c>"public"."Order"</c>.</summary>
    public string Sql => Identifier.Quote(Schema) + "." + Identifier.Quote(Name);

    /// <summary>For people and manifests: <c>public."Order"</c> (quoted only where PostgreSQL needs it).</summary>
    public string Display => Identifier.QuoteIfNeeded(Schema) + "." + Identifier.QuoteIfNeeded(Name);

    public override string ToString() => Display;

    public int CompareTo(TableName other)
    {
        var c = string.CompareOrdinal(Schema, other.Schema);
        return c != 0 ? c : string.CompareOrdinal(Name, other.Name);
    }
}
