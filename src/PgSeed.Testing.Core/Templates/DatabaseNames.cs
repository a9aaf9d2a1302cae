using System.Security.Cryptography;

namespace PgSeed.Testing.Templates;

/// <summary>
/// Database names that never collide across fixtures or concurrent test processes on one server:
/// the process id plus a counter and random suffix. All start with <c>pgseed_</c> so they are easy to spot.
/// </summary>
internal static class DatabaseNames
{
    private static int _counter;

    public static string Template(string key) => $"pgseed_tpl_{key}_{Environment.ProcessId}";

    public static string Fixture() =>
        $"pgseed_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}_{RandomNumberGenerator.GetHexString(6).ToLowerInvariant()}";

    public static string Kept(string name, int n) => $"{name}_failed{n}";
}
