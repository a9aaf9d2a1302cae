using System.Text.Json;
using PgSeed.Engine.Catalog;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Shaping;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Config;

/// <summary>
/// Maps the JSON of a seed definition file onto <see cref="ExportRequest"/>s. Unknown properties are errors
/// (a typo must not silently drop a masking rule); messages name the JSON path.
/// </summary>
internal sealed class SeedConfigReader(string file, Func<string, string?> environment)
{
    private static readonly string[] TopLevel = ["$schema", "connection", "salt", "seeds"];
    private static readonly string[] SeedProperties =
    [
        "out", "table", "filter", "raw", "include", "children", "excludeEdges", "schemas", "parallel", "connection",
        "tables", "exclude", "nullExcludedReferences", "virtualForeignKeys", "allowPii", "salt", "strict", "schemaSql", "piiLint",
    ];
    private static readonly string[] RuleProperties = ["where", "parameters", "transform", "omit"];

    private string Folder => Path.GetDirectoryName(file)!;

    public IReadOnlyList<SeedDefinitionEntry> Read(JsonElement root)
    {
        Expect(root, JsonValueKind.Object, "the file");
        CheckProperties(root, TopLevel, "the file");
        var connection = OptionalString(root, "connection", "connection");
        var salt = OptionalString(root, "salt", "salt");
        if (!root.TryGetProperty("seeds", out var seeds)) throw Invalid("the file has no \"seeds\" object.");
        Expect(seeds, JsonValueKind.Object, "seeds");
        var result = new List<SeedDefinitionEntry>();
        foreach (var seed in seeds.EnumerateObject())
            result.Add(ReadSeed(seed.Name, seed.Value, connection, salt));
        return result;
    }

    private SeedDefinitionEntry ReadSeed(string name, JsonElement e, string? fileConnection, string? fileSalt)
    {
        var at = $"seeds.{name}";
        Expect(e, JsonValueKind.Object, at);
        CheckProperties(e, SeedProperties, at);
        var table = OptionalString(e, "table", at + ".table", expand: false) ?? throw Invalid($"{at}: \"table\" (the root table) is required.");
        var output = OptionalString(e, "out", at + ".out") ?? throw Invalid($"{at}: \"out\" (the seed folder) is required.");
        var salt = OptionalString(e, "salt", at + ".salt") ?? fileSalt;

        var roots = new List<RootSelection>
        {
            new() { Table = table, Filter = OptionalString(e, "filter", at + ".filter", expand: false), Raw = OptionalString(e, "raw", at + ".raw", expand: false) },
        };
        if (e.TryGetProperty("include", out var include))
        {
            Expect(include, JsonValueKind.Array, at + ".include");
            var i = 0;
            foreach (var item in include.EnumerateArray())
            {
                var itemAt = $"{at}.include[{i++}]";
                if (item.ValueKind == JsonValueKind.String) roots.Add(RootSelection.Parse(item.GetString()!)); // TABLE or TABLE:FILTER, as on the command line
                else
                {
                    Expect(item, JsonValueKind.Object, itemAt);
                    CheckProperties(item, ["table", "filter", "raw"], itemAt);
                    roots.Add(new RootSelection
                    {
                        Table = OptionalString(item, "table", itemAt + ".table", expand: false) ?? throw Invalid($"{itemAt}: \"table\" is required."),
                        Filter = OptionalString(item, "filter", itemAt + ".filter", expand: false),
                        Raw = OptionalString(item, "raw", itemAt + ".raw", expand: false),
                    });
                }
            }
        }

        var children = OptionalString(e, "children", at + ".children", expand: false) ?? "all";
        if (children is not ("all" or "none")) throw Invalid($"{at}.children: expected \"all\" or \"none\", got \"{children}\".");

        var rules = new List<TableRule>();
        if (e.TryGetProperty("tables", out var tables))
        {
            Expect(tables, JsonValueKind.Object, at + ".tables");
            foreach (var t in tables.EnumerateObject()) rules.Add(ReadRule(t.Name, t.Value, $"{at}.tables[\"{t.Name}\"]", salt));
        }

        var request = new ExportRequest
        {
            ConnectionString = "",
            Roots = roots,
            Children = children == "none" ? ChildrenMode.None : ChildrenMode.All,
            ExcludedEdges = StringList(e, "excludeEdges", at),
            Schemas = StringList(e, "schemas", at),
            Parallel = e.TryGetProperty("parallel", out var parallel) ? Int(parallel, at + ".parallel") : 2,
            OutputDirectory = Path.GetFullPath(Path.Combine(Folder, output)),
            Rules = rules,
            ExcludedTables = StringList(e, "exclude", at),
            NullReferencesToExcludedTables = Bool(e, "nullExcludedReferences", at) ?? false,
            VirtualForeignKeys = ReadVirtualForeignKeys(e, at),
            AllowPii = StringList(e, "allowPii", at),
            Strict = Bool(e, "strict", at) ?? false,
            WriteSchema = Bool(e, "schemaSql", at) ?? true,
            PiiLint = Bool(e, "piiLint", at) ?? true,
        };
        return new SeedDefinitionEntry
        {
            Name = name,
            ConfigFile = file,
            Connection = OptionalString(e, "connection", at + ".connection") ?? fileConnection,
            Request = request,
        };
    }

    private TableRule ReadRule(string pattern, JsonElement e, string at, string? salt)
    {
        Expect(e, JsonValueKind.Object, at);
        CheckProperties(e, RuleProperties, at);
        string? where = null;
        var conditions = new List<WhereCondition>();
        if (e.TryGetProperty("where", out var w))
        {
            if (w.ValueKind == JsonValueKind.String) where = w.GetString();
            else
            {
                Expect(w, JsonValueKind.Object, at + ".where");
                foreach (var column in w.EnumerateObject()) conditions.AddRange(ReadConditions(column.Name, column.Value, $"{at}.where.{column.Name}"));
            }
        }
        var parameters = new Dictionary<string, object?>();
        if (e.TryGetProperty("parameters", out var ps))
        {
            Expect(ps, JsonValueKind.Object, at + ".parameters");
            foreach (var p in ps.EnumerateObject()) parameters[p.Name.TrimStart('@')] = ScalarObject(p.Value, $"{at}.parameters.{p.Name}");
        }
        var transforms = new Dictionary<string, string>();
        var masks = new Dictionary<string, ColumnMask>();
        if (e.TryGetProperty("transform", out var tr))
        {
            Expect(tr, JsonValueKind.Object, at + ".transform");
            foreach (var column in tr.EnumerateObject())
            {
                var cat = $"{at}.transform.{column.Name}";
                if (column.Value.ValueKind == JsonValueKind.String) { transforms[column.Name] = column.Value.GetString()!; continue; }
                Expect(column.Value, JsonValueKind.Object, cat);
                CheckProperties(column.Value, ["mask", "value", "salt"], cat);
                var kindText = OptionalString(column.Value, "mask", cat + ".mask", expand: false) ?? throw Invalid($"{cat}: \"mask\" is required.");
                if (!ColumnMask.TryParseKind(kindText, out var kind))
                    throw Invalid($"{cat}.mask: unknown masker \"{kindText}\" (fixed, null, hash, email, name, firstName, lastName, phone).");
                var maskSalt = OptionalString(column.Value, "salt", cat + ".salt") ?? salt;
                if (kind == MaskKind.Hash && string.IsNullOrEmpty(maskSalt))
                    throw Invalid($"{cat}: the hash masker needs a salt (\"salt\": \"${{env:PGSEED_SALT}}\" on the seed), otherwise masked values can be looked up by hashing guesses.");
                string? value = null;
                if (column.Value.TryGetProperty("value", out var v))
                {
                    if (kind != MaskKind.Fixed) throw Invalid($"{cat}.value: only the fixed masker takes a value.");
                    value = ScalarText(v, cat + ".value");
                }
                masks[column.Name] = new ColumnMask { Kind = kind, Value = value, Salt = maskSalt };
            }
        }
        return new TableRule
        {
            Table = pattern,
            Where = where,
            WhereParameters = parameters,
            Conditions = conditions,
            Transforms = transforms,
            Masks = masks,
            Omit = StringList(e, "omit", at),
        };
    }

    /// <summary><c>"x"</c>/number/bool: equals; array: in; null: is null; object: operators.</summary>
    private IEnumerable<WhereCondition> ReadConditions(string column, JsonElement v, string at)
    {
        switch (v.ValueKind)
        {
            case JsonValueKind.Array:
                yield return new WhereCondition { Column = column, Operator = WhereOperator.In, Values = v.EnumerateArray().Select((x, i) => ScalarText(x, $"{at}[{i}]")).ToList() };
                break;
            case JsonValueKind.Object:
                foreach (var op in v.EnumerateObject())
                {
                    var opAt = $"{at}.{op.Name}";
                    if (!Enum.TryParse<WhereOperator>(op.Name, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
                        throw Invalid($"{opAt}: unknown operator (eq, ne, in, notIn, gt, gte, lt, lte, like, ilike, isNull).");
                    if (parsed is WhereOperator.IsNull or WhereOperator.IsNotNull)
                    {
                        var yes = op.Value.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => throw Invalid($"{opAt}: expected true or false.") };
                        yield return new WhereCondition { Column = column, Operator = (parsed == WhereOperator.IsNull) == yes ? WhereOperator.IsNull : WhereOperator.IsNotNull };
                    }
                    else if (parsed is WhereOperator.In or WhereOperator.NotIn)
                    {
                        Expect(op.Value, JsonValueKind.Array, opAt);
                        yield return new WhereCondition { Column = column, Operator = parsed, Values = op.Value.EnumerateArray().Select((x, i) => ScalarText(x, $"{opAt}[{i}]")).ToList() };
                    }
                    else yield return new WhereCondition { Column = column, Operator = parsed, Values = [ScalarText(op.Value, opAt)] };
                }
                break;
            default:
                yield return new WhereCondition { Column = column, Operator = WhereOperator.Eq, Values = [ScalarText(v, at)] };
                break;
        }
    }

    private IReadOnlyList<VirtualForeignKey> ReadVirtualForeignKeys(JsonElement e, string at)
    {
        if (!e.TryGetProperty("virtualForeignKeys", out var list)) return Array.Empty<VirtualForeignKey>();
        Expect(list, JsonValueKind.Array, at + ".virtualForeignKeys");
        var result = new List<VirtualForeignKey>();
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            var itemAt = $"{at}.virtualForeignKeys[{i++}]";
            Expect(item, JsonValueKind.Object, itemAt);
            CheckProperties(item, ["from", "to", "name"], itemAt);
            var (childTable, childColumn) = SplitColumn(OptionalString(item, "from", itemAt + ".from", expand: false) ?? throw Invalid($"{itemAt}: \"from\" is required."), itemAt + ".from", file);
            var (parentTable, parentColumn) = SplitColumn(OptionalString(item, "to", itemAt + ".to", expand: false) ?? throw Invalid($"{itemAt}: \"to\" is required."), itemAt + ".to", file);
            result.Add(new VirtualForeignKey
            {
                Table = childTable, Columns = [childColumn], References = parentTable, ReferencedColumns = [parentColumn],
                Name = OptionalString(item, "name", itemAt + ".name", expand: false),
            });
        }
        return result;
    }

    /// <summary><c>[schema.]table.column</c> → table text (re-quoted where it was quoted) and column.</summary>
    internal static (string Table, string Column) SplitColumn(string text, string at, string? file = null) =>
        ColumnReference.Split(text, at, file);

    private string? OptionalString(JsonElement e, string property, string at, bool expand = true)
    {
        if (!e.TryGetProperty(property, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        Expect(v, JsonValueKind.String, at);
        var s = v.GetString()!;
        return expand ? EnvironmentExpander.Expand(s, at, environment, file) : s;
    }

    private IReadOnlyList<string> StringList(JsonElement e, string property, string at)
    {
        if (!e.TryGetProperty(property, out var v)) return Array.Empty<string>();
        if (v.ValueKind == JsonValueKind.String) return [v.GetString()!];
        Expect(v, JsonValueKind.Array, $"{at}.{property}");
        return v.EnumerateArray().Select((x, i) =>
        {
            Expect(x, JsonValueKind.String, $"{at}.{property}[{i}]");
            return x.GetString()!;
        }).ToList();
    }

    private bool? Bool(JsonElement e, string property, string at) =>
        !e.TryGetProperty(property, out var v) ? null
        : v.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => throw Invalid($"{at}.{property}: expected true or false.") };

    private int Int(JsonElement v, string at) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : throw Invalid($"{at}: expected an integer.");

    /// <summary>A JSON scalar as the text PostgreSQL will parse (numbers verbatim, booleans true/false).</summary>
    private string? ScalarText(JsonElement v, string at) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => null,
        _ => throw Invalid($"{at}: expected a string, number, boolean or null."),
    };

    private object? ScalarObject(JsonElement v, string at) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Number => v.TryGetInt64(out var l) ? l : v.GetDecimal(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        _ => throw Invalid($"{at}: expected a string, number, boolean or null."),
    };

    private void Expect(JsonElement e, JsonValueKind kind, string at)
    {
        if (e.ValueKind != kind) throw Invalid($"{at}: expected {Article(kind)}, got {e.ValueKind.ToString().ToLowerInvariant()}.");
    }

    private void CheckProperties(JsonElement e, string[] allowed, string at)
    {
        foreach (var p in e.EnumerateObject())
            if (!allowed.Contains(p.Name, StringComparer.Ordinal))
                throw Invalid($"{at}: unknown property \"{p.Name}\". Allowed: {string.Join(", ", allowed)}.");
    }

    private static string Article(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => "a " + kind.ToString().ToLowerInvariant(),
    };

    private PgSeedException Invalid(string message) => new(ErrorCode.ConfigInvalid, $"{file}: {message}") { File = file };
}
