using PgSeed.Engine.Catalog;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Seed;

namespace PgSeed.Engine.Verify;

/// <summary>
/// Compares a seed's tables and columns (from its manifest) with a target database's catalog, reporting every
/// difference at once: what stops an import is an error with the import's own code (PGSEED040 missing table,
/// PGSEED041 column gone — with the likely new name when one new column of the same type appeared —, PGSEED042 new
/// NOT NULL column without a default); what the import absorbs is a PGSEED038 warning (a changed type, a new column
/// that gets its default).
/// </summary>
internal static class SchemaDrift
{
    public static (List<PgSeedException> Errors, List<PgSeedException> Warnings) Compare(SeedManifest manifest, DatabaseCatalog catalog, string seedFolder)
    {
        var errors = new List<PgSeedException>();
        var warnings = new List<PgSeedException>();
        foreach (var seed in manifest.Tables)
        {
            var file = Path.Combine(seedFolder, seed.File);
            if (!catalog.TryGet(new TableName(seed.Schema, seed.Table), out var target))
            {
                errors.Add(new PgSeedException(ErrorCode.TargetTableMissing,
                    $"Table {seed.Name} of the seed does not exist in the target (dropped or renamed by a migration?). Re-export or upgrade the seed.")
                    { Table = seed.Name, File = file });
                continue;
            }
            var seedColumns = seed.Columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            var gone = seed.Columns.Where(c => target.Column(c.Name) is null).ToList();
            var added = target.Columns.Where(c => !c.Generated && !seedColumns.Contains(c.Name)).ToList();
            var renamedTo = new HashSet<string>(StringComparer.Ordinal);
            foreach (var column in gone)
            {
                var sameType = added.Where(c => c.Type == column.Type).ToList();
                var hint = sameType.Count == 1 ? $" It was probably renamed to {sameType[0].Name} (the one new column of type {column.Type})." : "";
                if (sameType.Count == 1) renamedTo.Add(sameType[0].Name);
                errors.Add(new PgSeedException(ErrorCode.TargetColumnMissing,
                    $"Column {column.Name} of {seed.File} does not exist in table {seed.Name} of the target (renamed or dropped).{hint} Upgrade the seed (pgseed upgrade) or re-export it.")
                    { Table = seed.Name, Column = column.Name, File = file });
            }
            foreach (var column in added.Where(c => !renamedTo.Contains(c.Name)))
            {
                if (!column.CanBeOmitted)
                    errors.Add(new PgSeedException(ErrorCode.RequiredColumnMissing,
                        $"Column {column.Name} of table {seed.Name} is new in the target, NOT NULL and without a default, so the seed's rows cannot be inserted. " +
                        "Give it a default in the migration, or upgrade the seed with a migration that fills it.")
                        { Table = seed.Name, Column = column.Name, File = file });
                else
                    warnings.Add(new PgSeedException(ErrorCode.SchemaDrift,
                        $"Column {column.Name} ({column.Type}) of table {seed.Name} is new in the target; the import leaves it to its {(column.HasDefault || column.Identity != '\0' ? "default" : "NULL")}.")
                        { Table = seed.Name, Column = column.Name, File = file });
            }
            foreach (var column in seed.Columns)
                if (target.Column(column.Name) is { Generated: false } t && t.Type != column.Type)
                    warnings.Add(new PgSeedException(ErrorCode.SchemaDrift,
                        $"Column {seed.Name}.{column.Name} changed type: {column.Type} in the seed, {t.Type} in the target. The rehearsed import shows whether the values still load.")
                        { Table = seed.Name, Column = column.Name, File = file });
        }
        return (errors, warnings);
    }
}
