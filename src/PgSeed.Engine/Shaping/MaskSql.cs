using System.Text.RegularExpressions;
using PgSeed.Engine.Catalog;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Shaping;

/// <summary>
/// The SQL expression of each masker, over the row alias <c>t</c> of the export's COPY query. Only functions
/// built into PostgreSQL 11+ are used (<c>sha256</c>, <c>encode</c>, <c>get_byte</c>): no pgcrypto needed.
/// </summary>
internal static class MaskSql
{
    private static readonly string[] FirstNames =
    [
        "Ada", "Alan", "Grace", "Linus", "Barbara", "Dennis", "Frances", "Ken", "Margaret", "Edsger",
        "Radia", "Donald", "Hedy", "Niklaus", "Karen", "John", "Mary", "Tim", "Sophie", "Bjarne",
        "Anita", "Guido", "Joan", "James", "Carol", "Leslie", "Shafi", "Tony", "Jean", "Robin",
        "Lynn", "Whitfield",
    ];

    private static readonly string[] LastNames =
    [
        "Lovelace", "Turing", "Hopper", "Torvalds", "Liskov", "Ritchie", "Allen", "Thompson", "Hamilton", "Dijkstra",
        "Perlman", "Knuth", "Lamarr", "Wirth", "Jones", "Backus", "Keller", "Berners", "Wilson", "Stroustrup",
        "Borg", "Rossum", "Clarke", "Gosling", "Shaw", "Lamport", "Goldwasser", "Hoare", "Sammet", "Milner",
        "Conway", "Diffie",
    ];

    private static readonly Regex LengthLimited = new(@"^(character varying|character|varchar|char|bpchar)\((\d+)\)$", RegexOptions.IgnoreCase);

    /// <summary>The expression replacing <paramref name="column"/> of <paramref name="table"/> in the COPY query.</summary>
    public static string Expression(ColumnMask mask, TableInfo table, ColumnInfo column)
    {
        var value = "t." + Identifier.Quote(column.Name);
        string KeepNull(string expr) => $"CASE WHEN {value} IS NULL THEN NULL ELSE {Fit(expr, column)} END";
        switch (mask.Kind)
        {
            case MaskKind.Null:
                if (column.NotNull)
                    throw new PgSeedException(ErrorCode.RuleInvalid,
                        $"Mask null on {table.Name.Display}.{column.Name}: the column is NOT NULL.") { Table = table.Name.Display, Column = column.Name };
                return "NULL";
            case MaskKind.Fixed:
                return mask.Value is null ? "NULL" : $"CASE WHEN {value} IS NULL THEN NULL ELSE {Identifier.Literal(mask.Value)} END";
            case MaskKind.Hash:
                return HashOfValue(value, column.Type, mask.Salt ?? "", table, column);
            case MaskKind.Email:
                return KeepNull($"'user_' || substr({HexOfKey(table, mask)}, 1, 12) || '@example.com'");
            case MaskKind.FirstName:
                return KeepNull(Pick(FirstNames, table, mask, 0));
            case MaskKind.LastName:
                return KeepNull(Pick(LastNames, table, mask, 1));
            case MaskKind.Name:
                return KeepNull($"{Pick(FirstNames, table, mask, 0)} || ' ' || {Pick(LastNames, table, mask, 1)}");
            case MaskKind.Phone:
                var b = BytesOfKey(table, mask);
                return KeepNull($"'+1-555-' || lpad(((get_byte({b}, 0) * 65536 + get_byte({b}, 1) * 256 + get_byte({b}, 2)) % 10000000)::text, 7, '0')");
            default:
                throw new ArgumentOutOfRangeException(nameof(mask));
        }
    }

    /// <summary>
    /// A salted SHA-256 of the value shaped to the column's type. It depends only on the value, the salt and
    /// the type, which is what makes the same masker on both sides of a foreign key agree.
    /// </summary>
    public static string HashOfValue(string value, string type, string salt, TableInfo table, ColumnInfo column)
    {
        var hex = $"encode(sha256(convert_to({SaltPrefix(salt)} || {value}::text, 'UTF8')), 'hex')";
        var baseType = type.ToLowerInvariant();
        var length = LengthLimited.Match(baseType);
        if (baseType is "text" or "character varying" or "varchar" or "citext" || length.Success)
            return length.Success ? $"left({hex}, {length.Groups[2].Value})" : hex;
        if (baseType == "uuid") return $"(substr({hex}, 1, 32))::uuid";
        // Non-negative integers of the column's width (collisions are possible on small ranges; keys beware).
        if (baseType == "bigint") return $"(('x' || substr({hex}, 1, 16))::bit(64)::bigint & 9223372036854775807)";
        if (baseType == "integer") return $"(('x' || substr({hex}, 1, 8))::bit(32)::int & 2147483647)";
        if (baseType == "smallint") return $"((('x' || substr({hex}, 1, 4))::bit(16)::int & 32767)::smallint)";
        throw new PgSeedException(ErrorCode.RuleInvalid,
            $"Mask hash on {table.Name.Display}.{column.Name}: type {type} is not supported (text, varchar, uuid, smallint, integer, bigint are). Use a transform expression instead.")
            { Table = table.Name.Display, Column = column.Name };
    }

    /// <summary>Text of the row key (primary key, else unique key, else the whole row) for key-derived fakes.</summary>
    private static string KeyText(TableInfo table) => table.RowKey is { } key
        ? "concat_ws('|', " + string.Join(", ", key.Select(c => $"t.{Identifier.Quote(c)}::text")) + ")"
        : "(t.*)::text";

    private static string BytesOfKey(TableInfo table, ColumnMask mask) =>
        $"sha256(convert_to({SaltPrefix(mask.Salt ?? "")} || {KeyText(table)}, 'UTF8'))";

    /// <summary>
    /// The salt as SQL. It is a secret (it keeps hashed values from being guessed), and SQL is logged, so the
    /// expression reads it from a session setting the exporter sets unlogged on every connection (see
    /// <see cref="SaltSettings"/>) instead of carrying it as a literal.
    /// </summary>
    private static string SaltPrefix(string salt) => salt.Length == 0
        ? "':'"
        : $"(current_setting({Identifier.Literal(SaltSettingName(salt))}) || ':')";

    /// <summary>The session setting holding a salt; named by a short digest so the name reveals nothing usable.</summary>
    public static string SaltSettingName(string salt) =>
        "pgseed.salt_" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(salt)))[..12].ToLowerInvariant();

    /// <summary><c>SET</c> statements for every salt the rules use: run on each export connection, never logged.</summary>
    public static string? SaltSettings(IEnumerable<ColumnMask> masks)
    {
        var salts = masks.Select(m => m.Salt ?? "").Where(s => s.Length > 0).Distinct().ToList();
        return salts.Count == 0 ? null : string.Join("; ", salts.Select(s => $"SET {SaltSettingName(s)} = {Identifier.Literal(s)}"));
    }

    private static string HexOfKey(TableInfo table, ColumnMask mask) => $"encode({BytesOfKey(table, mask)}, 'hex')";

    private static string Pick(string[] names, TableInfo table, ColumnMask mask, int @byte) =>
        $"(ARRAY[{string.Join(", ", names.Select(Identifier.Literal))}])[1 + get_byte({BytesOfKey(table, mask)}, {@byte}) % {names.Length}]";

    /// <summary>Cuts fake text to a varchar(n) / char(n) column so the seed still imports.</summary>
    private static string Fit(string expr, ColumnInfo column)
    {
        var m = LengthLimited.Match(column.Type);
        return m.Success ? $"left({expr}, {m.Groups[2].Value})" : expr;
    }
}
