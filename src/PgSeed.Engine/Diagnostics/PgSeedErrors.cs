using Npgsql;

namespace PgSeed.Engine.Diagnostics;

/// <summary>
/// The one place an arbitrary exception becomes a <see cref="PgSeedException"/>. The engine's entry points
/// (export, import, verify) and every adapter (CLI, MSBuild, fixtures) pass what they catch through here, so a
/// server error, a lost connection, an I/O failure or a bug always reaches the user as a coded, one-line error
/// naming the fix, never as a stack trace.
/// </summary>
internal static class PgSeedErrors
{
    /// <summary>
    /// <paramref name="e"/> itself when it is a <see cref="PgSeedException"/>, otherwise a coded wrapper around it.
    /// <paramref name="doing"/> says what was going on (e.g. "exporting public.customer"), for the message.
    /// </summary>
    public static PgSeedException From(Exception e, string? doing = null)
    {
        ArgumentNullException.ThrowIfNull(e);
        var during = string.IsNullOrEmpty(doing) ? "" : $" while {doing}";
        return e switch
        {
            PgSeedException coded => coded,
            OperationCanceledException => new PgSeedException(ErrorCode.Cancelled,
                $"Cancelled{during}: the statements running on the server were cancelled and nothing was left half-written.", e),
            PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege } pe => new PgSeedException(ErrorCode.PermissionDenied,
                $"Permission denied{during}: {Describe(pe)}. Grant the role the missing privilege (see docs/import.md, \"Privileges\", and docs/export.md), or run as the tables' owner.", e)
                { Table = TableOf(pe), Column = pe.ColumnName },
            PostgresException { SqlState: PostgresErrorCodes.DiskFull } pe => new PgSeedException(ErrorCode.DatabaseError,
                $"The database server is out of disk space{during}: {Describe(pe)}. Free space on the server (temporary files included) and run again.", e),
            PostgresException { SqlState: PostgresErrorCodes.QueryCanceled } pe => new PgSeedException(ErrorCode.DatabaseError,
                $"The server cancelled a statement{during} ({Describe(pe)}): a statement_timeout or lock_timeout of the role or database, or an administrator. " +
                "Raise the timeout for this role (ALTER ROLE ... SET statement_timeout = 0) and run again.", e),
            PostgresException pe when pe.SqlState.StartsWith("57P", StringComparison.Ordinal) || pe.SqlState.StartsWith("08", StringComparison.Ordinal) =>
                new PgSeedException(ErrorCode.ConnectionLost,
                    $"The server ended the session{during}: {Describe(pe)}. Nothing was committed; run again once the server is available.", e),
            PostgresException pe => new PgSeedException(ErrorCode.DatabaseError, $"Database error{during}: {pe.SqlState} {Describe(pe)}", e)
                { Table = TableOf(pe), Column = pe.ColumnName },
            NpgsqlException ne => new PgSeedException(ErrorCode.ConnectionLost,
                $"The connection to the server was lost{during}: {Redaction.Redact(Innermost(ne).Message)}. Nothing was committed; run again once the server is reachable.", e),
            IOException io when IsDiskFull(io) => new PgSeedException(ErrorCode.DiskFull,
                $"The disk is full{during}: {io.Message} Free space (or raise the quota) and run again; nothing was left half-written.", e),
            IOException or UnauthorizedAccessException => new PgSeedException(ErrorCode.FileAccessFailed,
                $"A file could not be read or written{during}: {e.Message} Check the path, its permissions and that the file system is writable.", e),
            _ => new PgSeedException(ErrorCode.Internal,
                $"Unexpected internal error{during} ({e.GetType().Name}: {Redaction.Redact(e.Message)}). Please report it with the command you ran.", e),
        };
    }

    /// <summary>ENOSPC / EDQUOT on Unix, ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL on Windows.</summary>
    public static bool IsDiskFull(IOException e)
    {
        var code = e.HResult & 0xFFFF;
        return OperatingSystem.IsWindows() ? code is 0x27 or 0x70 : code is 28 or 122;
    }

    private static string Describe(PostgresException e) =>
        Redaction.Redact(e.MessageText + (string.IsNullOrEmpty(e.Detail) ? "" : " " + e.Detail.TrimEnd('.')));

    private static string? TableOf(PostgresException e) => e.TableName is null ? null : $"{e.SchemaName ?? "public"}.{e.TableName}";

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
