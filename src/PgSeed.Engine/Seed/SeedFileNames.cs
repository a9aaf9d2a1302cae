using System.Globalization;
using System.Text;
using PgSeed.Engine.Catalog;

namespace PgSeed.Engine.Seed;

/// <summary>
/// File names for table CSVs: <c>schema.table.csv</c>. Characters that are unsafe in file names on
/// some systems are percent-encoded; names differing only in case (which collide on case-insensitive
/// file systems) get a <c>~2</c>, <c>~3</c> suffix in table order. The manifest maps tables to files,
/// so readers never parse file names.
/// </summary>
internal static class SeedFileNames
{
    public static IReadOnlyDictionary<TableName, string> Assign(IEnumerable<TableName> tables)
    {
        var result = new Dictionary<TableName, string>();
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var t in tables.OrderBy(t => t))
        {
            var stem = Encode(t.Schema) + "." + Encode(t.Name);
            var name = stem + ".csv";
            for (var n = 2; !taken.Add(name); n++) name = $"{stem}~{n}.csv";
            result[t] = name;
        }
        return result;
    }

    // Letters, digits, '_' and '-' stay; every other byte of the UTF-8 name becomes %XX
    // (so '.' inside a name never looks like the schema separator).
    private static string Encode(string part)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(part))
        {
            var c = (char)b;
            if (b < 0x80 && (char.IsAsciiLetterOrDigit(c) || c is '_' or '-')) sb.Append(c);
            else sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
