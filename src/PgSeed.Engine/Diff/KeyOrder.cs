using System.Globalization;

namespace PgSeed.Engine.Diff;

/// <summary>
/// Compares key values the way the export sorted them (<c>ORDER BY</c> the key columns), from the columns'
/// types: integers and numerics by value, floats by value, everything else by ordinal text (uuid, ISO dates and
/// timestamps, and text in the <c>C</c> collation sort like that). Text keys sorted by another collation may
/// disagree; <see cref="TableDiffer"/> notices an out-of-order key and falls back to a comparison that needs
/// no order.
/// </summary>
internal sealed class KeyOrder
{
    private enum Kind { Text, Integer, Numeric, Float }

    private readonly Kind[] _kinds;

    public KeyOrder(IEnumerable<string> types) => _kinds = types.Select(KindOf).ToArray();

    public int Compare(string?[] a, int[] aColumns, string?[] b, int[] bColumns)
    {
        for (var i = 0; i < _kinds.Length; i++)
        {
            var c = CompareValue(_kinds[i], a[aColumns[i]], b[bColumns[i]]);
            if (c != 0) return c;
        }
        return 0;
    }

    private static Kind KindOf(string type)
    {
        var t = type.ToLowerInvariant();
        if (t is "smallint" or "integer" or "bigint" or "oid") return Kind.Integer;
        if (t.StartsWith("numeric", StringComparison.Ordinal) || t.StartsWith("decimal", StringComparison.Ordinal)) return Kind.Numeric;
        if (t is "real" or "double precision") return Kind.Float;
        return Kind.Text;
    }

    private static int CompareValue(Kind kind, string? a, string? b)
    {
        // NULLs sort last in PostgreSQL's ascending order (key columns are NOT NULL; whole rows may not be).
        if (a is null || b is null) return a is null ? (b is null ? 0 : 1) : -1;
        switch (kind)
        {
            case Kind.Integer when long.TryParse(a, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var x)
                                   && long.TryParse(b, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var y):
                return x.CompareTo(y);
            case Kind.Integer:
            case Kind.Numeric:
                return NumericText(a, b);
            case Kind.Float when double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
                                 && double.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out var y):
                return x.CompareTo(y); // NaN sorts first here, last in PostgreSQL: an out-of-order key, handled by the fallback
            default:
                return string.CompareOrdinal(a, b);
        }
    }

    /// <summary>Compares decimal numbers written as text (any length): sign, integer digits, then fraction digits.</summary>
    internal static int NumericText(string a, string b)
    {
        var ra = Rank(a);
        var rb = Rank(b);
        if (ra != rb || ra != 1) return ra.CompareTo(rb); // -Infinity < finite < Infinity < NaN
        var negativeA = a.StartsWith('-');
        var negativeB = b.StartsWith('-');
        var (intA, fracA) = Split(a);
        var (intB, fracB) = Split(b);
        var zeroA = intA.Length == 0 && fracA.Length == 0;
        var zeroB = intB.Length == 0 && fracB.Length == 0;
        var signA = zeroA ? 0 : negativeA ? -1 : 1;
        var signB = zeroB ? 0 : negativeB ? -1 : 1;
        if (signA != signB) return signA.CompareTo(signB);
        var magnitude = intA.Length != intB.Length
            ? intA.Length.CompareTo(intB.Length)
            : string.CompareOrdinal(intA, intB) is var c and not 0 ? c : string.CompareOrdinal(fracA, fracB);
        return signA < 0 ? -magnitude : magnitude;
    }

    private static int Rank(string s) => s switch
    {
        "-Infinity" => 0,
        "Infinity" => 2,
        "NaN" => 3,
        _ => 1,
    };

    /// <summary>Integer digits without leading zeros, fraction digits without trailing zeros.</summary>
    private static (string Integer, string Fraction) Split(string s)
    {
        var body = s.TrimStart('-', '+');
        var dot = body.IndexOf('.');
        var integer = (dot < 0 ? body : body[..dot]).TrimStart('0');
        var fraction = dot < 0 ? "" : body[(dot + 1)..].TrimEnd('0');
        return (integer, fraction);
    }
}
