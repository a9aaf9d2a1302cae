using Npgsql;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Export;

/// <summary>Turns a server error in a user's filter or raw query into a PGSEED error pointing into that text.</summary>
internal static class UserSqlErrors
{
    // read_only_sql_transaction, and "WITH clause containing a data-modifying statement must be at the top level".
    private static readonly HashSet<string> WriteAttempts = new() { "25006" };

    public static PgSeedException Translate(PostgresException e, PlannedRoot root, int offset)
    {
        var table = root.Table.Name.Display;
        var what = root.Selection.Raw is not null ? "raw query" : "filter";
        var userText = root.Selection.Raw ?? root.Selection.Filter ?? "";
        int? position = e.Position > 0 && offset >= 0 && e.Position - 1 - offset >= 0 && e.Position - 1 - offset <= userText.Length
            ? e.Position - offset
            : null;
        var (at, picture) = position is { } p ? SqlCaret.Describe(userText, p, what) : ("", "");
        if (e.SqlState == PostgresErrorCodes.InsufficientPrivilege) return ExportPrivileges.Denied(e);
        if (WriteAttempts.Contains(e.SqlState) || (e.SqlState == "0A000" && e.MessageText.Contains("data-modifying", StringComparison.Ordinal)))
            return new PgSeedException(ErrorCode.FilterWrites,
                $"The {what} for {table} tries to write ({e.MessageText}). Exports run read-only; a {what} may only select rows.", e)
                { Table = table, Position = position };
        if (e.SqlState == "42703" && root.Selection.Raw is not null && e.MessageText.Contains("pgseed_raw", StringComparison.Ordinal))
            return new PgSeedException(ErrorCode.RawMissingKey,
                $"The raw query for {table} must return the table's key columns ({string.Join(", ", root.Table.KeyColumns ?? Array.Empty<string>())}): {e.MessageText}", e)
                { Table = table };
        return new PgSeedException(ErrorCode.BadFilter, $"The {what} for {table} failed{at}: {e.MessageText}" + (e.Hint is { } h ? $" ({h})" : "") + picture, e)
            { Table = table, Position = position };
    }
}
