using System.Text.RegularExpressions;

namespace PgSeed.Engine.Catalog;

/// <summary>
/// Column names that look personal (email, phone, a person's name...): the first test of the personal-data lint, and
/// what <c>pgseed list</c> marks. Names only, so it lives with the catalog the names come from.
/// </summary>
internal static class PersonalColumnNames
{
    private static readonly (string Kind, Regex Pattern)[] NamePatterns =
    [
        ("email", new(@"(^|_)(e_?mail|email_?address|mail)($|_)")),
        ("password", new(@"password|passwd|(^|_)pwd($|_)|pass_?hash")),
        ("token", new(@"token|secret|api_?key|(^|_)session_?id($|_)")),
        ("ip", new(@"(^|_)ip($|_)|ip_?addr|remote_?addr")),
        ("phone", new(@"phone|mobile|(^|_)(tel|telephone|fax|cell)($|_)")),
        ("ssn", new(@"(^|_)ssn($|_)|social_?security|national_?id|passport|tax_?id")),
        ("iban", new(@"iban|bank_?account|account_?number|card_?number|credit_?card")),
        ("dob", new(@"(^|_)dob($|_)|birth")),
        ("address", new(@"address|street|(^|_)(addr|zip|zip_?code|post_?code|postal_?code)($|_)|^(address_?)?line_?[123]$")),
        ("name", new(@"^(first|last|middle|given|family|full|display|maiden|nick|user|contact|customer|sur)_?name$|^surname$")),
    ];

    /// <summary>A bare <c>name</c> column is personal only in tables about people.</summary>
    private static readonly Regex PersonTable = new(@"user|customer|person|people|employee|contact|member|patient|student|author|client|staff");

    public static string? KindOf(TableName table, ColumnInfo column)
    {
        var name = Regex.Replace(column.Name, "([a-z0-9])([A-Z])", "$1_$2").ToLowerInvariant();
        foreach (var (kind, pattern) in NamePatterns)
            if (pattern.IsMatch(name)) return kind;
        return name == "name" && PersonTable.IsMatch(table.Name.ToLowerInvariant()) ? "name" : null;
    }
}
