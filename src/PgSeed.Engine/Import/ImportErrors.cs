using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using PgSeed.Engine.Catalog;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Seed;

namespace PgSeed.Engine.Import;

/// <summary>
/// Turns server errors met while loading into PgSeed errors naming the table, the CSV file and, for
/// COPY, the line (CSV record, header = line 1) and column, taken from the error's context
/// (<c>COPY customer, line 3, column id: "x"</c>).
/// </summary>
internal static partial class ImportErrors
{
    [GeneratedRegex(@"COPY [^,]+, line (?<line>\d+)(?:, column (?<column>[^:]+))?")]
    private static partial Regex CopyContext();

    /// <summary>An error while loading <paramref name="table"/>.</summary>
    public static PgSeedException Loading(PostgresException e, TablePlan table, ImportMode mode)
    {
        CsvLocation? location = null;
        string? column = e.ColumnName;
        var m = CopyContext().Match(e.Where ?? "");
        if (m.Success)
        {
            // COPY counts physical lines and names the one where the failing record ends; show its record number too.
            var line = int.Parse(m.Groups["line"].Value, CultureInfo.InvariantCulture);
            location = (table.FilePath is { } file ? CsvLocation.ForLine(file, line) : null) ?? new CsvLocation(line, line, line);
            if (m.Groups["column"].Success) column = m.Groups["column"].Value;
        }
        var where = location is null ? table.Csv.Name : $"{table.Csv.Name} {location}" + (column is null ? "" : $", column {column}");
        var (code, what, fix) = Classify(e, mode, table);
        if (code == ErrorCode.ForeignKeyViolation && e.TableName is not null && e.TableName != table.Target.Name.Name)
            return ForeignKey(e, null);
        return new PgSeedException(code, $"{what} loading {table.Display} ({where}): {Describe(e)}{fix}", e)
        {
            Table = table.Display,
            Column = column,
            File = table.FilePath,
            Line = (int?)location?.FirstLine,
            Record = (int?)location?.Record,
        };
    }

    /// <summary>An FK found violated when re-added (<paramref name="fk"/>) or at COMMIT (deferred).</summary>
    public static PgSeedException ForeignKey(PostgresException e, ForeignKeyInfo? fk)
    {
        var table = fk?.Child.Display ?? (e.TableName is null ? null : new TableName(e.SchemaName ?? "public", e.TableName).Display);
        var constraint = fk?.Name ?? e.ConstraintName;
        return new PgSeedException(ErrorCode.ForeignKeyViolation,
            $"FK violation: table {table}, constraint {constraint}: {Describe(e)}. The seed references rows that are neither in the seed nor in the target; " +
            "re-export the seed (exports are referentially complete) or load the missing parents first.", e)
        {
            Table = table,
            Column = fk is { Columns.Count: 1 } ? fk.Columns[0] : null,
        };
    }

    /// <summary>Anything else the server refused.</summary>
    public static PgSeedException Other(PostgresException e, string doing)
    {
        var (code, what, fix) = Classify(e, null, null);
        if (code == ErrorCode.ForeignKeyViolation) return ForeignKey(e, null);
        return new PgSeedException(code, $"{what} while {doing}: {Describe(e)}{fix}", e)
        {
            Table = e.TableName is null ? null : new TableName(e.SchemaName ?? "public", e.TableName).Display,
            Column = e.ColumnName,
        };
    }

    private static (string Code, string What, string Fix) Classify(PostgresException e, ImportMode? mode, TablePlan? table) => e.SqlState switch
    {
        PostgresErrorCodes.UniqueViolation => (ErrorCode.UniqueViolation, "Duplicate key", UniqueFix(e, mode, table)),
        PostgresErrorCodes.CardinalityViolation => (ErrorCode.DuplicateKeyInSeed, "The seed has the same key twice", ""),
        PostgresErrorCodes.ForeignKeyViolation => (ErrorCode.ForeignKeyViolation, "FK violation", ""),
        PostgresErrorCodes.InsufficientPrivilege => (ErrorCode.PermissionDenied, "Permission denied",
            ". Grant the role the missing privilege or import as the tables' owner"),
        PostgresErrorCodes.NotNullViolation or PostgresErrorCodes.CheckViolation or PostgresErrorCodes.ExclusionViolation
            or PostgresErrorCodes.DatatypeMismatch or PostgresErrorCodes.BadCopyFileFormat => (ErrorCode.BadValue, "Bad value", ""),
        _ when e.SqlState.StartsWith("22", StringComparison.Ordinal) => (ErrorCode.BadValue, "Bad value",
            ". The target column's type or constraints differ from the source's, or the file was edited"),
        _ => (ErrorCode.DatabaseError, "Database error", ""),
    };

    /// <summary>The advice for a unique violation depends on the mode: only append mode meets rows it should replace.</summary>
    private static string UniqueFix(PostgresException e, ImportMode? mode, TablePlan? table) => mode switch
    {
        ImportMode.Append => $". A row already in the target has this key (append mode adds rows): use {OptionNames.ImportTruncate} to replace the tables' rows, or {OptionNames.ImportUpsert} to update them",
        ImportMode.Truncate => ". The table was emptied first, so another session inserted this key meanwhile, or a unique constraint the source lacks rejects two seed rows: " +
                               "check the target's unique constraints against the source's",
        ImportMode.Upsert => $". Upsert matches rows on ({string.Join(", ", table?.ConflictKey ?? [])}); this row collides with a target row on another unique constraint " +
                             $"({e.ConstraintName}): make the two agree in the target, or use {OptionNames.ImportTruncate}",
        _ => "",
    };

    private static string Describe(PostgresException e) =>
        ConnectionResolver.Redact(e.MessageText + (string.IsNullOrEmpty(e.Detail) ? "" : " " + e.Detail.TrimEnd('.')));
}
