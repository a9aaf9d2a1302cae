using PgSeed.Engine.Catalog;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Import;
using PgSeed.Engine.Seed;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Upgrade;

/// <summary>
/// Carries a seed across schema migrations without the source database: in an empty throwaway database it applies
/// the seed's own schema.sql, imports the seed, applies the migrations, and re-exports into the seed folder (an
/// atomic swap, so a failure at any step leaves the folder as it was).
/// <para>
/// The re-export keeps the seed's rows, not its selection: every root table is exported whole (the throwaway
/// database holds nothing but the seed and what the migrations added), with the recorded children mode, excluded
/// edges and tables and virtual FKs. Filters, where rules, masks and transforms are recorded as already applied:
/// they are not run again, so values are carried over as they are — never unmasked, never masked twice — and a
/// filter that depends on time or on other tables cannot drop rows. Omitted columns stay omitted. The manifest keeps
/// the seed's original definition, so the next export from the source applies everything as before.
/// </para>
/// </summary>
public static class SeedUpgrader
{
    /// <summary>Loads the seed into an empty scratch database, migrates it, and re-exports the seed's own rows into its folder.</summary>
    /// <param name="request">The seed folder, the migrations and the scratch database.</param>
    /// <param name="log">Receives progress; null for none.</param>
    /// <param name="cancellationToken">Cancels the upgrade (and its server queries).</param>
    /// <exception cref="PgSeedException">Any failure, with its code; the seed folder is then left as it was.</exception>
    public static Task<UpgradeReport> UpgradeAsync(UpgradeRequest request, ISeedLog? log = null, CancellationToken cancellationToken = default) =>
        ErrorBoundary.RunAsync(() => RunAsync(request, log ?? NullSeedLog.Instance, cancellationToken), e => PgSeedErrors.From(e, "upgrading the seed"), cancellationToken);

    private static async Task<UpgradeReport> RunAsync(UpgradeRequest request, ISeedLog log, CancellationToken cancellationToken)
    {
        if ((request.MigrationsDirectory is null) == (request.MigrateCommand is null))
            throw new PgSeedException(ErrorCode.InvalidOption, $"Give the migrations as a folder of .sql files ({OptionNames.UpgradeMigrations}) or as a command ({OptionNames.UpgradeMigrateCommand}), one of the two.") { Option = OptionNames.UpgradeMigrations };
        var migrations = request.MigrationsDirectory is null ? [] : MigrationRunner.Files(request.MigrationsDirectory);

        var folder = request.SeedDirectory;
        var manifest = await SeedVerifier.EnsureValidAsync(folder, cancellationToken).ConfigureAwait(false);
        var schemaSql = request.SchemaFile ?? Path.Combine(folder, Shaping.SchemaDumper.FileName);
        if (!File.Exists(schemaSql))
            throw request.SchemaFile is null
                ? new PgSeedException(ErrorCode.SchemaSqlMissing,
                    $"Seed folder {folder} has no schema.sql, so its schema cannot be re-created before the migrations. " +
                    $"Re-export it with pg_dump available (schema.sql on), or give the schema to start from ({OptionNames.UpgradeSchema}).") { File = schemaSql }
                : new PgSeedException(ErrorCode.InvalidOption, $"Schema file '{schemaSql}' does not exist.") { File = schemaSql };

        var scratch = request.ScratchConnectionString;
        log.Detail($"upgrading {folder} in {ConnectionResolver.Describe(scratch)}");
        Dictionary<TableName, List<string>> omitted;
        {
            var connection = await Sessions.OpenAsync(scratch, cancellationToken).ConfigureAwait(false);
            await using var connectionScope = connection.ConfigureAwait(false);
            var empty = await CatalogReader.ReadAsync(connection, null, cancellationToken).ConfigureAwait(false);
            if (empty.Tables.Any())
                throw new PgSeedException(ErrorCode.InvalidOption, $"The upgrade's database {ConnectionResolver.Describe(scratch)} is not empty; it must be a new, throwaway database.");
            log.Detail($"applying {schemaSql}");
            await SqlScript.ExecuteAsync(connection, schemaSql, request.SchemaFile is null ? "The seed's" : "Schema file", cancellationToken).ConfigureAwait(false);
            omitted = OmittedColumns(manifest, await CatalogReader.ReadAsync(connection, null, cancellationToken).ConfigureAwait(false));
        }

        await SeedImporter.ImportAsync(new ImportRequest { ConnectionString = scratch, SeedDirectory = folder }, new DetailOnly(log), cancellationToken).ConfigureAwait(false);

        if (request.MigrateCommand is { } command) await MigrationRunner.RunCommandAsync(command, scratch, log, cancellationToken).ConfigureAwait(false);
        else await MigrationRunner.ApplyFilesAsync(scratch, migrations, log, cancellationToken).ConfigureAwait(false);

        DatabaseCatalog migrated;
        {
            var connection = await Sessions.OpenAsync(scratch, cancellationToken).ConfigureAwait(false);
            await using var connectionScope = connection.ConfigureAwait(false);
            migrated = await CatalogReader.ReadAsync(connection, null, cancellationToken).ConfigureAwait(false);
        }
        var export = CarryOverRequest(manifest, migrated, omitted, scratch, folder) with { Parallel = request.Parallel, PgDump = request.PgDump };
        var report = await SeedExporter.ExportAsync(export, log, cancellationToken).ConfigureAwait(false);
        return new UpgradeReport { SeedDirectory = report.OutputDirectory ?? folder, Migrations = migrations.Select(Path.GetFileName).ToList()!, Export = report };
    }

    /// <summary>Columns of the seed's tables the CSVs leave out (omit rules): they stay out after the upgrade.</summary>
    private static Dictionary<TableName, List<string>> OmittedColumns(SeedManifest manifest, DatabaseCatalog catalog)
    {
        var omitted = new Dictionary<TableName, List<string>>();
        foreach (var seed in manifest.Tables)
        {
            var name = new TableName(seed.Schema, seed.Table);
            if (!catalog.TryGet(name, out var table)) continue;
            var columns = table.DataColumns.Select(c => c.Name).Where(c => !seed.Columns.Any(s => s.Name == c)).ToList();
            if (columns.Count > 0) omitted[name] = columns;
        }
        return omitted;
    }

    /// <summary>The re-export of the seed's own rows (see the class summary), recording the original definition.</summary>
    private static ExportRequest CarryOverRequest(SeedManifest manifest, DatabaseCatalog migrated, Dictionary<TableName, List<string>> omitted,
        string scratch, string folder)
    {
        var definition = manifest.Definition;
        foreach (var root in definition.Roots)
        {
            try { migrated.Resolve(root.Table, "root table"); }
            catch (PgSeedException e) when (e.Code == ErrorCode.TableNotFound)
            {
                throw new PgSeedException(ErrorCode.TableNotFound,
                    $"Root table {root.Table} of the seed does not exist after the migrations (renamed or dropped?). An upgrade keeps the seed's roots: " +
                    "export the seed again from a source database with the new schema.", e) { Table = root.Table };
            }
        }
        var request = RecordedDefinition.ToRequest(definition, scratch, folder);
        return request with
        {
            Roots = request.Roots.Select(r => r with { Filter = null, Raw = null }).ToList(),
            // Tables the seed left out are not in its schema.sql; those a migration created may be excluded again.
            ExcludedTables = request.ExcludedTables.Where(p => Catalog.TablePattern.IsGlob(p) || Exists(migrated, p)).ToList(),
            VirtualForeignKeys = request.VirtualForeignKeys.Where(v => Exists(migrated, v.Table) && Exists(migrated, v.References)).ToList(),
            // An excluded FK a migration dropped has nothing left to exclude.
            ExcludedEdges = request.ExcludedEdges.Where(e => ForeignKeyExists(migrated, e)).ToList(),
            Rules = omitted.Select(o => (Table: migrated.TryGet(o.Key, out var t) ? t : null, Columns: o.Value))
                .Where(o => o.Table is not null)
                .Select(o => new TableRule { Table = o.Table!.Name.Sql, Omit = o.Columns.Where(c => o.Table.Column(c) is { Generated: false }).ToList() })
                .Where(r => r.Omit.Count > 0).ToList(),
            WriteSchema = true,
            ManifestOverride = m => m with { Definition = definition, SourceServerMajorVersion = manifest.SourceServerMajorVersion },
        };
    }

    private static bool ForeignKeyExists(DatabaseCatalog catalog, string edge)
    {
        try
        {
            var parts = Identifier.ParseQualified(edge, maxParts: 3);
            if (parts.Count < 2) return true; // malformed: let the export say so
            var table = catalog.Resolve(Identifier.QualifierOf(parts));
            return table.ForeignKeys.Any(f => parts[^1].Quoted ? f.Name == parts[^1].Name : string.Equals(f.Name, parts[^1].Name, StringComparison.OrdinalIgnoreCase));
        }
        catch (Exception e) when (e is PgSeedException or FormatException)
        {
            return false;
        }
    }

    private static bool Exists(DatabaseCatalog catalog, string table)
    {
        try { catalog.Resolve(table); return true; }
        catch (PgSeedException) { return false; }
    }

    /// <summary>The import into the throwaway database is a step of the upgrade, not a result: its summary becomes detail.</summary>
    private sealed class DetailOnly(ISeedLog inner) : ISeedLog
    {
        public void Summary(string message) => inner.Detail(message);
        public void Detail(string message) { if (!message.Contains('\n')) inner.Detail(message); }
        public void Sql(string sql) => inner.Sql(sql);
        public void Warning(string code, string message) => inner.Warning(code, message);
    }
}
