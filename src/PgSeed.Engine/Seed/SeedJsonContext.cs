using System.Text.Json.Serialization;

namespace PgSeed.Engine.Seed;

/// <summary>
/// Serialization metadata generated at compile time for every type the engine writes or reads as JSON, so the
/// trimmed, natively compiled <c>pgseed</c> (no reflection-based serialization) works like the JIT one. The options
/// (naming, escaping, indentation) stay with each caller's <c>JsonSerializerOptions</c>: the text is unchanged.
/// </summary>
[JsonSerializable(typeof(SeedManifest))]
[JsonSerializable(typeof(IReadOnlyList<SeedVirtualForeignKey>))]
[JsonSerializable(typeof(IReadOnlyList<SeedRule>))]
[JsonSerializable(typeof(string))]
internal sealed partial class SeedJsonContext : JsonSerializerContext;
