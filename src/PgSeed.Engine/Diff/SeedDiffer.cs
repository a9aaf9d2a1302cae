using System.Text.Json;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Seed;

namespace PgSeed.Engine.Diff;

/// <summary>Options of a seed comparison.</summary>
public sealed record SeedDiffOptions
{
    /// <summary>Rows listed per table and kind (added, removed, changed); counts are always complete.</summary>
    public int RowsListed { get; init; } = 10;

    /// <summary>
    /// Refuse seeds whose root tables differ (PGSEED025): their rows are not two versions of one seed. A stale check
    /// compares a changed definition with its old output on purpose, and reports the roots as a manifest change.
    /// </summary>
    public bool RequireSameRoots { get; init; } = true;

    /// <summary>How to name the sides in the output (default: the folder paths).</summary>
    public string? BeforeLabel { get; init; }
    /// <summary>How to name the after side in the output (default: its folder path).</summary>
    public string? AfterLabel { get; init; }
}

/// <summary>
/// Compares two seed folders: both are verified against their manifests first, tables are matched by schema and
/// name, files with equal checksums and headers are equal without being read, the others are compared row by row
/// (<see cref="TableDiffer"/>, streaming). Files other than the manifest, the CSVs and schema.sql (a README) are
/// not data and are ignored.
/// </summary>
public static class SeedDiffer
{
    /// <summary>Compares the seed in <paramref name="beforeFolder"/> with the one in <paramref name="afterFolder"/>; neither is written.</summary>
    /// <param name="beforeFolder">The old seed folder.</param>
    /// <param name="afterFolder">The new seed folder.</param>
    /// <param name="options">Sample sizes, labels and whether the roots must match; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the comparison.</param>
    /// <exception cref="PgSeedException">A folder is missing or damaged (its manifest, checksums or headers), or the roots differ while <see cref="SeedDiffOptions.RequireSameRoots"/> is set.</exception>
    public static async Task<SeedDiff> DiffAsync(string beforeFolder, string afterFolder, SeedDiffOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SeedDiffOptions();
        var before = await SeedVerifier.EnsureValidAsync(beforeFolder, cancellationToken).ConfigureAwait(false);
        var after = await SeedVerifier.EnsureValidAsync(afterFolder, cancellationToken).ConfigureAwait(false);
        var manifestChanges = ManifestChanges(before, after, beforeFolder, afterFolder, options.RequireSameRoots);

        var tables = new List<TableDiff>();
        var beforeTables = before.Tables.ToDictionary(t => (t.Schema, t.Table));
        foreach (var a in after.Tables)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var afterSide = new TableSide(Path.Combine(afterFolder, a.File), a);
            if (!beforeTables.Remove((a.Schema, a.Table), out var b))
            {
                tables.Add(await Task.Run(() => TableDiffer.OneSided(afterSide, added: true, options.RowsListed, cancellationToken), cancellationToken).ConfigureAwait(false));
                continue;
            }
            var beforeSide = new TableSide(Path.Combine(beforeFolder, b.File), b);
            if (string.Equals(a.Sha256, b.Sha256, StringComparison.OrdinalIgnoreCase) && a.Columns.SequenceEqual(b.Columns) && a.Key.SequenceEqual(b.Key))
            {
                tables.Add(new TableDiff { Table = a.Name, RowsBefore = b.Rows, RowsAfter = a.Rows });
                continue;
            }
            tables.Add(await Task.Run(() => TableDiffer.Diff(beforeSide, afterSide, options.RowsListed, cancellationToken), cancellationToken).ConfigureAwait(false));
        }
        foreach (var b in before.Tables.Where(t => beforeTables.ContainsKey((t.Schema, t.Table))))
            tables.Add(await Task.Run(() => TableDiffer.OneSided(new TableSide(Path.Combine(beforeFolder, b.File), b), added: false, options.RowsListed, cancellationToken),
                cancellationToken).ConfigureAwait(false));

        return new SeedDiff
        {
            Before = options.BeforeLabel ?? beforeFolder,
            After = options.AfterLabel ?? afterFolder,
            ManifestChanges = manifestChanges,
            Tables = tables,
            Schema = SchemaSqlDiffer.Diff(Path.Combine(beforeFolder, Shaping.SchemaDumper.FileName), Path.Combine(afterFolder, Shaping.SchemaDumper.FileName)),
        };
    }

    /// <summary>
    /// Compares <paramref name="folder"/> with what <paramref name="request"/> exports now (into a temporary folder,
    /// deleted afterwards; the request's output folder is ignored). The after side is labelled with the source.
    /// </summary>
    public static async Task<SeedDiff> DiffWithFreshExportAsync(string folder, Export.ExportRequest request, SeedDiffOptions? options = null,
        ISeedLog? log = null, CancellationToken cancellationToken = default)
    {
        using var fresh = await ScratchSeedFolder.ExportAsync(request, log, cancellationToken).ConfigureAwait(false);
        return await DiffAsync(folder, fresh.Path, (options ?? new SeedDiffOptions()) with
        {
            AfterLabel = options?.AfterLabel ?? "export from " + request.SessionSource.Description,
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Differences of the definition and of the manifest's facts that are not rows.</summary>
    private static List<string> ManifestChanges(SeedManifest before, SeedManifest after, string beforeFolder, string afterFolder, bool requireSameRoots)
    {
        var changes = new List<string>();
        var b = before.Definition;
        var a = after.Definition;
        var rootsBefore = b.Roots.Select(r => r.Table).ToList();
        var rootsAfter = a.Roots.Select(r => r.Table).ToList();
        if (!rootsBefore.Order(StringComparer.Ordinal).SequenceEqual(rootsAfter.Order(StringComparer.Ordinal)))
        {
            if (requireSameRoots)
                throw new PgSeedException(ErrorCode.DifferentRoots,
                    $"{beforeFolder} and {afterFolder} are not versions of one seed: their roots differ ({string.Join(", ", rootsBefore)} vs {string.Join(", ", rootsAfter)}). " +
                    "Compare a seed folder with an earlier version of itself, or with a fresh export of its own definition.") { File = afterFolder };
            changes.Add($"roots: {string.Join(", ", rootsBefore)} → {string.Join(", ", rootsAfter)}");
        }
        else
        {
            foreach (var root in a.Roots)
            {
                var old = b.Roots.First(r => r.Table == root.Table);
                if (old.Filter != root.Filter) changes.Add($"root {root.Table}: filter {Quoted(old.Filter)} → {Quoted(root.Filter)}");
                if (old.Raw != root.Raw) changes.Add($"root {root.Table}: raw query {Quoted(old.Raw)} → {Quoted(root.Raw)}");
            }
        }
        if (b.Children != a.Children) changes.Add($"children: {b.Children} → {a.Children}");
        Lists("excluded edges", b.ExcludedEdges, a.ExcludedEdges, changes);
        Lists("schemas", b.Schemas, a.Schemas, changes);
        Lists("excluded tables", b.ExcludedTables ?? [], a.ExcludedTables ?? [], changes);
        if (b.NullExcludedReferences != a.NullExcludedReferences) changes.Add($"nullExcludedReferences: {b.NullExcludedReferences} → {a.NullExcludedReferences}".ToLowerInvariant());
        if (Json(b.VirtualForeignKeys) != Json(a.VirtualForeignKeys)) changes.Add("virtual foreign keys changed");
        if (Json(b.Rules) != Json(a.Rules)) changes.Add("rules changed (where, masks, transforms or omitted columns)");
        var fksBefore = before.ForeignKeys.Select(Fk).ToHashSet();
        var fksAfter = after.ForeignKeys.Select(Fk).ToHashSet();
        changes.AddRange(fksAfter.Where(f => !fksBefore.Contains(f)).Order(StringComparer.Ordinal).Select(f => $"foreign key added: {f}"));
        changes.AddRange(fksBefore.Where(f => !fksAfter.Contains(f)).Order(StringComparer.Ordinal).Select(f => $"foreign key removed: {f}"));
        if (before.SourceServerMajorVersion != after.SourceServerMajorVersion)
            changes.Add($"source server: PostgreSQL {before.SourceServerMajorVersion} → {after.SourceServerMajorVersion}");
        return changes;
    }

    private static void Lists(string what, IReadOnlyList<string> before, IReadOnlyList<string> after, List<string> changes)
    {
        if (!before.SequenceEqual(after))
            changes.Add($"{what}: [{string.Join(", ", before)}] → [{string.Join(", ", after)}]");
    }

    private static string Fk(SeedForeignKey f) =>
        $"{f.Table}.{f.Name} ({string.Join(", ", f.Columns)}) → {f.References} ({string.Join(", ", f.ReferencedColumns)}){(f.Deferrable ? " deferrable" : "")}";

    private static string Quoted(string? text) => text is null ? "(none)" : $"'{text}'";

    private static string Json(IReadOnlyList<SeedVirtualForeignKey>? value) => JsonSerializer.Serialize(value!, SeedJsonContext.Default.IReadOnlyListSeedVirtualForeignKey);
    private static string Json(IReadOnlyList<SeedRule>? value) => JsonSerializer.Serialize(value!, SeedJsonContext.Default.IReadOnlyListSeedRule);
}
