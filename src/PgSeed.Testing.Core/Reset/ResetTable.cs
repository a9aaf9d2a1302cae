using PgSeed.Engine.Catalog;
using PgSeed.Engine.Sql;

namespace PgSeed.Testing.Reset;

/// <summary>
/// One user table as the reset scripts see it: where its seed copy and key log live in
/// <c>pgseed_capture</c>, which columns identify a row and which are written back.
/// </summary>
internal sealed class ResetTable
{
    public ResetTable(TableInfo info)
    {
        Info = info;
        Key = info.RowKey;
        DataColumns = info.DataColumns.Select(c => c.Name).ToList();
        // Identity ALWAYS columns may only be written with OVERRIDING SYSTEM VALUE, and never updated.
        HasIdentityAlways = info.Columns.Any(c => c.IsIdentityAlways);
        UpdatableColumns = info.DataColumns
            .Where(c => !c.IsIdentityAlways && (Key is null || !Key.Contains(c.Name)))
            .Select(c => c.Name).ToList();
    }

    public TableInfo Info { get; }
    public uint Oid => Info.Oid;

    /// <summary>Primary key or NOT NULL unique key; null when the table has neither (changes then reload it whole).</summary>
    public IReadOnlyList<string>? Key { get; }

    public IReadOnlyList<string> DataColumns { get; }
    public IReadOnlyList<string> UpdatableColumns { get; }
    public bool HasIdentityAlways { get; }

    /// <summary>The table itself; ONLY keeps inheritance children out (partitioned tables need their partitions).</summary>
    public string Target => (Info.Partitioned ? "" : "ONLY ") + Info.Name.Sql;

    public string SeedCopy => $"{ResetSchema.Quoted}.{Identifier.Quote("seed_" + Oid)}";
    public string KeyLog => $"{ResetSchema.Quoted}.{Identifier.Quote("keys_" + Oid)}";
    public string CaptureFunction => $"{ResetSchema.Quoted}.{Identifier.Quote("capture_" + Oid)}";

    public string Columns => Identifier.List(DataColumns);
    public string ColumnsOf(string alias) => Identifier.List(alias, DataColumns);
    public string Overriding => HasIdentityAlways ? " OVERRIDING SYSTEM VALUE" : "";

    /// <summary><c>(a."k1", a."k2")</c>, or <c>a."k"</c> for a single column.</summary>
    public string KeyOf(string alias) => Key!.Count == 1 ? $"{alias}.{Identifier.Quote(Key[0])}" : $"({Identifier.List(alias, Key!)})";

    public string KeyColumns => Identifier.List(Key!);

    /// <summary><c>a."k1" = b."k1" AND a."k2" = b."k2"</c>.</summary>
    public string KeyJoin(string left, string right) =>
        string.Join(" AND ", Key!.Select(k => $"{left}.{Identifier.Quote(k)} = {right}.{Identifier.Quote(k)}"));
}

/// <summary>The schema that holds PgSeed's reset bookkeeping (excluded from every catalog read by its prefix).</summary>
internal static class ResetSchema
{
    public const string Name = "pgseed_capture";
    public static readonly string Quoted = Identifier.Quote(Name);
}
