using Microsoft.Build.Framework;
using Npgsql;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.MSBuild.Tasks;

/// <summary>
/// Catches <c>-p:PgSeedConnection=Host=h;Port=5433;Database=shop</c>: MSBuild splits a <c>-p:</c> value at each
/// <c>;</c>, so the task receives <c>Host=h</c> and <c>Port</c> and <c>Database</c> become global properties of their
/// own — the export would silently connect to the default port and database. Connection-string keywords among the
/// global properties next to <c>PgSeedConnection</c> give it away (PGSEED085).
/// </summary>
internal static class SplitConnectionCheck
{
    public static void Check(IBuildEngine? buildEngine, string? property)
    {
        if (string.IsNullOrWhiteSpace(property) || buildEngine is not IBuildEngine6 engine) return;
        var globals = engine.GetGlobalProperties();
        if (globals is null || !globals.Keys.Any(k => string.Equals(k, "PgSeedConnection", StringComparison.OrdinalIgnoreCase))) return;
        var given = Parse(property);
        var stray = globals.Keys
            .Where(k => !string.Equals(k, "PgSeedConnection", StringComparison.OrdinalIgnoreCase) && IsKeyword(k) && !given.ContainsKey(k))
            .Order(StringComparer.OrdinalIgnoreCase).ToList();
        if (stray.Count == 0) return;

        // The example reuses what was meant (never a password: that belongs in PGPASSWORD).
        var meant = Parse(property);
        foreach (var key in stray.Where(k => !IsPassword(k))) meant[key] = globals[key];
        var plain = string.Join(";", PlainParts(meant));
        throw new PgSeedException(ErrorCode.ConnectionSplit,
            $"PgSeedConnection was cut at ';' by MSBuild: {string.Join(", ", stray)} arrived as separate global properties, so the task " +
            "would connect with only the first part of the connection string. Pass it in a form MSBuild keeps whole: " +
            $"a URI (-p:PgSeedConnection={Uri(meant)}), ';' escaped as %3B (-p:PgSeedConnection={plain.Replace(";", "%3B")}), " +
            $"the whole switch quoted ('-p:PgSeedConnection=\"{plain}\"'), or the PGSEED_CONNECTION environment variable " +
            "(see docs/msbuild.md, \"Connection and secrets\").");
    }

    private static bool IsKeyword(string key)
    {
        try { return new NpgsqlConnectionStringBuilder().ContainsKey(key); }
        catch (ArgumentException) { return false; }
    }

    private static bool IsPassword(string key) => key.Equals("Password", StringComparison.OrdinalIgnoreCase) || key.Equals("Pwd", StringComparison.OrdinalIgnoreCase);

    private static Dictionary<string, string> Parse(string connectionString)
    {
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            if (eq > 0) parts[part[..eq].Trim()] = part[(eq + 1)..].Trim();
        }
        return parts;
    }

    private static IEnumerable<string> PlainParts(Dictionary<string, string> parts) =>
        parts.Where(p => !IsPassword(p.Key)).Select(p => $"{p.Key}={p.Value}");

    private static string Uri(Dictionary<string, string> parts)
    {
        string? Get(params string[] keys) => keys.Select(k => parts.TryGetValue(k, out var v) ? v : null).FirstOrDefault(v => v is not null);
        var user = Get("Username", "User Name", "UserName", "User Id", "UserId", "User");
        var host = Get("Host", "Server") ?? "localhost";
        var port = Get("Port");
        var database = Get("Database", "Db");
        return $"postgresql://{(user is null ? "" : System.Uri.EscapeDataString(user) + "@")}{host}{(port is null ? "" : ":" + port)}/{System.Uri.EscapeDataString(database ?? "")}";
    }
}
