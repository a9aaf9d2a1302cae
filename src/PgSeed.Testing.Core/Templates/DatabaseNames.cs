using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace PgSeed.Testing.Templates;

/// <summary>
/// Database names that never collide across fixtures or concurrent test processes on one server, and that say which
/// process owns them: a random token per process (see <see cref="Servers.ServerOwnership"/>), a counter and a random
/// suffix. All start with <c>pgseed_</c> so they are easy to spot.
/// </summary>
internal static partial class DatabaseNames
{
    private static int _counter;

    /// <summary>This process's token: 8 hex digits, also the second key of its advisory lock.</summary>
    public static string ProcessToken { get; } = RandomNumberGenerator.GetHexString(8, lowercase: true);

    /// <summary>The token as the signed 32-bit advisory lock key.</summary>
    public static int ProcessKey { get; } = int.Parse(ProcessToken, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    public static string Template(string key) => $"pgseed_tpl_{key}_{ProcessToken}";

    public static string Fixture() =>
        $"pgseed_{ProcessToken}_{Interlocked.Increment(ref _counter)}_{RandomNumberGenerator.GetHexString(6, lowercase: true)}";

    public static string Kept(string name, int n) => $"{name}_failed{n}";

    /// <summary>The owner token of a name made here, or null (kept databases and other names have none: never reaped).</summary>
    public static string? OwnerToken(string name)
    {
        var m = Owned().Match(name);
        return m.Success ? m.Groups["t"].Value : null;
    }

    [GeneratedRegex("^pgseed_(?:tpl_[0-9a-f]{16}_(?<t>[0-9a-f]{8})|(?<t>[0-9a-f]{8})_[0-9]+_[0-9a-f]{6})$")]
    private static partial Regex Owned();
}
