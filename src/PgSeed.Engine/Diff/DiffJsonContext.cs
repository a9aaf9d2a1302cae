using System.Text.Json.Serialization;

namespace PgSeed.Engine.Diff;

/// <summary>
/// Compile-time serialization metadata for <see cref="SeedDiff"/> (see <see cref="Seed.SeedJsonContext"/> for why):
/// kept with the diff so the seed format does not depend on the diff.
/// </summary>
[JsonSerializable(typeof(SeedDiff))]
internal sealed partial class DiffJsonContext : JsonSerializerContext;
