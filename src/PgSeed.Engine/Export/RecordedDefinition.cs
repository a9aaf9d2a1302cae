using System.Text.Json;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Seed;
using PgSeed.Engine.Shaping;

namespace PgSeed.Engine.Export;

/// <summary>
/// The definition an export records in its manifest, and back: the export request a recorded definition describes.
/// Everything needed to export the seed again is recorded except secrets: a mask's salt is not, so re-computing
/// salted masks needs the seed definition file (<see cref="SeedMask.Salted"/>).
/// </summary>
internal static class RecordedDefinition
{
    /// <summary>What <paramref name="request"/> asked for, with the roots as the catalog resolved them.</summary>
    internal static SeedDefinition From(ExportRequest request, IReadOnlyList<SeedRoot> roots) => new()
    {
        Roots = roots,
        Children = request.Children == ChildrenMode.All ? "all" : "none",
        ExcludedEdges = request.ExcludedEdges,
        Schemas = request.Schemas,
        ExcludedTables = request.ExcludedTables.Count == 0 ? null : request.ExcludedTables,
        NullExcludedReferences = request.NullReferencesToExcludedTables,
        VirtualForeignKeys = request.VirtualForeignKeys.Count == 0 ? null : request.VirtualForeignKeys.Select(v => new SeedVirtualForeignKey
        {
            Name = v.Name, Table = v.Table, Columns = v.Columns, References = v.References, ReferencedColumns = v.ReferencedColumns,
        }).ToList(),
        Rules = request.Rules.Count == 0 ? null : request.Rules.Select(Record).ToList(),
    };

    private static SeedRule Record(TableRule rule) => new()
    {
        Table = rule.Table,
        Where = rule.Where,
        Parameters = rule.WhereParameters.Count == 0 ? null : Sorted(rule.WhereParameters),
        Conditions = rule.Conditions.Count == 0 ? null : rule.Conditions.Select(c => new SeedCondition
        {
            Column = c.Column, Operator = JsonNamingPolicy.CamelCase.ConvertName(c.Operator.ToString()), Values = c.Values,
        }).ToList(),
        Masks = rule.Masks.Count == 0 ? null : Sorted(rule.Masks.ToDictionary(m => m.Key, m => new SeedMask
        {
            Mask = JsonNamingPolicy.CamelCase.ConvertName(m.Value.Kind.ToString()),
            Value = m.Value.Value,
            Salted = !string.IsNullOrEmpty(m.Value.Salt),
        })),
        Transforms = rule.Transforms.Count == 0 ? null : Sorted(rule.Transforms),
        Omit = rule.Omit.Count == 0 ? null : rule.Omit,
    };

    private static SortedDictionary<string, T> Sorted<T>(IReadOnlyDictionary<string, T> source) => new(source.ToDictionary(), StringComparer.Ordinal);

    /// <summary>
    /// The export that reproduces the seed <paramref name="definition"/> describes, into <paramref name="outputDirectory"/>.
    /// PGSEED026 when it masks with a salt (the manifest does not hold it: take the request from the definition file).
    /// </summary>
    public static ExportRequest ToExportRequest(SeedDefinition definition, string connectionString, string outputDirectory, string? seedFolder = null)
    {
        var salted = (definition.Rules ?? []).SelectMany(r => (r.Masks ?? new Dictionary<string, SeedMask>()).Select(m => (r.Table, Column: m.Key, m.Value)))
            .FirstOrDefault(m => m.Value.Salted);
        if (salted.Value is not null)
            throw new PgSeedException(ErrorCode.DefinitionNotReproducible,
                $"{seedFolder ?? "The seed"} masks {salted.Table}.{salted.Column} with a salt, which the manifest does not record (it is a secret). " +
                "Export from the seed definition file instead (pgseed.config.json), with the salt in its environment.") { Table = salted.Table, Column = salted.Column, File = seedFolder };
        return ToRequest(definition, connectionString, outputDirectory) with { Rules = (definition.Rules ?? []).Select(ToRule).ToList() };
    }

    /// <summary>The recorded roots and options without rules (the caller decides which rules apply).</summary>
    internal static ExportRequest ToRequest(SeedDefinition definition, string connectionString, string outputDirectory) => new()
    {
        ConnectionString = connectionString,
        OutputDirectory = outputDirectory,
        Roots = definition.Roots.Select(r => new RootSelection { Table = r.Table, Filter = r.Filter, Raw = r.Raw }).ToList(),
        Children = definition.Children == "none" ? ChildrenMode.None : ChildrenMode.All,
        ExcludedEdges = definition.ExcludedEdges,
        Schemas = definition.Schemas,
        ExcludedTables = definition.ExcludedTables ?? [],
        NullReferencesToExcludedTables = definition.NullExcludedReferences,
        VirtualForeignKeys = (definition.VirtualForeignKeys ?? []).Select(v => new VirtualForeignKey
        {
            Name = v.Name, Table = v.Table, Columns = v.Columns, References = v.References, ReferencedColumns = v.ReferencedColumns,
        }).ToList(),
        // A re-export reproduces data; the personal-data lint already ran when the seed was defined.
        PiiLint = false,
    };

    private static TableRule ToRule(SeedRule rule) => new()
    {
        Table = rule.Table,
        Where = rule.Where,
        WhereParameters = (rule.Parameters ?? new Dictionary<string, object?>()).ToDictionary(p => p.Key, p => Scalar(p.Value)),
        Conditions = (rule.Conditions ?? []).Select(c => new WhereCondition
        {
            Column = c.Column,
            Operator = Enum.TryParse<WhereOperator>(c.Operator, ignoreCase: true, out var op) && Enum.IsDefined(op) ? op
                : throw new PgSeedException(ErrorCode.ManifestInvalid, $"Rule for {rule.Table}: unknown operator '{c.Operator}' in the manifest.") { Table = rule.Table },
            Values = c.Values,
        }).ToList(),
        Masks = (rule.Masks ?? new Dictionary<string, SeedMask>()).ToDictionary(m => m.Key, m => new ColumnMask
        {
            Kind = ColumnMask.TryParseKind(m.Value.Mask, out var kind) ? kind
                : throw new PgSeedException(ErrorCode.ManifestInvalid, $"Rule for {rule.Table}: unknown masker '{m.Value.Mask}' in the manifest.") { Table = rule.Table },
            Value = m.Value.Value,
        }),
        Transforms = (rule.Transforms ?? new Dictionary<string, string>()).ToDictionary(),
        Omit = rule.Omit ?? [],
    };

    /// <summary>A parameter read back from JSON as the CLR value the definition file would have given.</summary>
    private static object? Scalar(object? value) => value is not JsonElement e ? value : e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.TryGetInt64(out var l) ? l : e.GetDecimal(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
