using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Catalog;

/// <summary>A column named as text (<c>[schema.]table.column</c>), as seed definitions and the personal-data allow list write it.</summary>
internal static class ColumnReference
{
    /// <summary><c>[schema.]table.column</c> → table text (re-quoted where it was quoted) and column.</summary>
    public static (string Table, string Column) Split(string text, string at, string? file = null)
    {
        IReadOnlyList<(string Name, bool Quoted)> parts;
        try { parts = Identifier.ParseQualified(text, maxParts: 3); }
        catch (FormatException e) { throw new PgSeedException(ErrorCode.ConfigInvalid, $"{(file is null ? "" : file + ": ")}{at}: {e.Message}") { File = file }; }
        if (parts.Count < 2)
            throw new PgSeedException(ErrorCode.ConfigInvalid, $"{(file is null ? "" : file + ": ")}{at}: expected [schema.]table.column, got \"{text}\".") { File = file };
        var table = Identifier.QualifierOf(parts);
        return (table, parts[^1].Name);
    }
}
