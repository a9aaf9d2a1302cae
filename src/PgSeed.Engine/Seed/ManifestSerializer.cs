using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Seed;

/// <summary>Reads and writes <c>pgseed.json</c> deterministically (fixed property order, LF line ends).</summary>
public static class ManifestSerializer
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        TypeInfoResolver = SeedJsonContext.Default,
    };

    private static System.Text.Json.Serialization.Metadata.JsonTypeInfo<SeedManifest> Manifest =>
        (System.Text.Json.Serialization.Metadata.JsonTypeInfo<SeedManifest>)Options.GetTypeInfo(typeof(SeedManifest));

    internal static string Serialize(SeedManifest manifest) =>
        JsonSerializer.Serialize(manifest, Manifest).Replace("\r\n", "\n") + "\n";

    internal static async Task WriteAsync(SeedManifest manifest, string path, CancellationToken cancellationToken)
    {
        var text = Serialize(manifest);
        await File.WriteAllTextAsync(path, text, new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a manifest, with PGSEED030/031/036 errors for a missing, malformed or unknown-version file.</summary>
    public static SeedManifest Read(string seedFolder)
    {
        if (!Directory.Exists(seedFolder))
            throw new PgSeedException(ErrorCode.SeedFolderMissing, $"Seed folder '{seedFolder}' does not exist.") { File = seedFolder };
        var path = Path.Combine(seedFolder, SeedManifest.FileName);
        if (!File.Exists(path))
            throw new PgSeedException(ErrorCode.SeedFolderMissing, $"Seed folder '{seedFolder}' has no {SeedManifest.FileName} manifest.") { File = path };

        var text = File.ReadAllText(path);
        int version;
        try
        {
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            version = doc.RootElement.TryGetProperty("formatVersion", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;
        }
        catch (JsonException e)
        {
            throw new PgSeedException(ErrorCode.ManifestInvalid,
                $"{path} is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}") { File = path, Line = (int?)(e.LineNumber + 1) };
        }
        if (version != SeedManifest.CurrentFormatVersion)
            throw new PgSeedException(ErrorCode.UnsupportedFormat,
                $"{path} has format version {version}; this PgSeed reads version {SeedManifest.CurrentFormatVersion}. Re-export the seed or use a matching PgSeed.") { File = path };

        SeedManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(text, Manifest);
        }
        catch (JsonException e)
        {
            throw new PgSeedException(ErrorCode.ManifestInvalid,
                $"{path} is malformed at line {e.LineNumber + 1}: {e.Message}") { File = path, Line = (int?)(e.LineNumber + 1) };
        }
        if (manifest is null || manifest.Tables is null)
            throw new PgSeedException(ErrorCode.ManifestInvalid, $"{path} has no tables list.") { File = path };
        var names = new HashSet<(string?, string?)>();
        var files = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var t in manifest.Tables)
        {
            if (string.IsNullOrEmpty(t.File) || t.File.Contains('/') || t.File.Contains('\\') || t.File.StartsWith('.'))
                throw new PgSeedException(ErrorCode.ManifestInvalid, $"{path}: table {t.Name} has an invalid file name '{t.File}'.") { File = path, Table = t.Name };
            if (!names.Add((t.Schema, t.Table)))
                throw new PgSeedException(ErrorCode.ManifestInvalid, $"{path} lists table {t.Name} more than once.") { File = path, Table = t.Name };
            if (!files.Add(t.File))
                throw new PgSeedException(ErrorCode.ManifestInvalid, $"{path} lists file {t.File} for more than one table.") { File = path, Table = t.Name };
        }
        return manifest;
    }
}
