using System.Text.Json;
using System.Text.Json.Serialization;

namespace PgSeed.Engine.Diff;

/// <summary>A <see cref="SeedDiff"/> as JSON for tools: camelCase properties, enums as strings, two-space indentation.</summary>
internal static class DiffJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter<TableChange>(JsonNamingPolicy.CamelCase) },
        TypeInfoResolver = DiffJsonContext.Default,
    };

    public static string Render(SeedDiff diff) =>
        JsonSerializer.Serialize(diff, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<SeedDiff>)Options.GetTypeInfo(typeof(SeedDiff))).Replace("\r\n", "\n") + "\n";
}
