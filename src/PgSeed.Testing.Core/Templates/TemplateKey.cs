using System.Security.Cryptography;
using System.Text;

namespace PgSeed.Testing.Templates;

/// <summary>
/// Identifies a template: a hash of everything that shapes it (schema script contents, migration callback
/// identity and captured values (<see cref="CallbackKey"/>), seed manifests and import modes, reset strategy). Fixtures with equal keys share one template.
/// </summary>
internal static class TemplateKey
{
    /// <summary>Bump when the installed reset objects change shape.</summary>
    private const string Version = "pgseed-template-1";

    public static string Compute(PgSeedOptions options, string role)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text) => hash.AppendData(Encoding.UTF8.GetBytes(text + "\n"));
        Add(Version);
        Add(options.Strategy.ToString());
        Add("role " + role); // what a role may do (replica mode, event triggers) shapes the template
        foreach (var step in options.SchemaSteps)
        {
            if (step.ScriptPath is not null)
            {
                Add("script");
                hash.AppendData(File.ReadAllBytes(FixturePaths.ResolveFile(step.ScriptPath)));
            }
            else
            {
                Add("callback " + CallbackKey.Describe(step.Migrate!, step.Key));
            }
        }
        foreach (var seed in options.Seeds)
        {
            var folder = FixturePaths.ResolveFolder(seed.Folder);
            Add($"seed {seed.Mode}");
            var manifest = Path.Combine(folder, "pgseed.json");
            if (File.Exists(manifest)) hash.AppendData(File.ReadAllBytes(manifest));
            else Add(folder);
        }
        return Convert.ToHexString(hash.GetHashAndReset())[..16].ToLowerInvariant();
    }
}
