using PgSeed.Engine.Export;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Tests.Units;

public class SqlTextTests
{
    [Theory]
    [InlineData("where a = ';'", -1)]
    [InlineData("where a = 1 -- ; comment", -1)]
    [InlineData("where a = $$;$$ and b = $x$;$x$", -1)]
    [InlineData("where \"we;ird\" = 1 /* ; /* nested ; */ */", -1)]
    [InlineData("where true; delete from t", 10)]
    [InlineData("where a = 'it''s'; drop table t", 17)]
    public void Finds_top_level_semicolons_only(string sql, int expected) =>
        Assert.Equal(expected, FilterGuard.TopLevelSemicolon(sql));

    [Fact]
    public void A_trailing_semicolon_is_forgiven() =>
        Assert.Equal("where a = 1", FilterGuard.SingleStatement("where a = 1 ; ", "filter", "t"));

    [Fact]
    public void Quotes_identifiers_and_parses_qualified_names()
    {
        Assert.Equal("\"a\"\"b\"", Identifier.Quote("a\"b"));
        Assert.Equal("\"Order\"", Identifier.QuoteIfNeeded("Order"));
        Assert.Equal("\"order\"", Identifier.QuoteIfNeeded("order"));
        Assert.Equal("customer", Identifier.QuoteIfNeeded("customer"));
        Assert.Equal(new[] { ("sales", false), ("My.Table", true) }, Identifier.ParseQualified("sales.\"My.Table\""));
        Assert.Throws<FormatException>(() => Identifier.ParseQualified("a.b.c"));
        Assert.Equal(3, Identifier.ParseQualified("a.\"B\".c", maxParts: 3).Count);
    }
}
