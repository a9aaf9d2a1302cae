using System.Text.RegularExpressions;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Config;

/// <summary>Replaces <c>${env:NAME}</c> with the variable's value; a missing variable is an error naming it (never a value).</summary>
internal static class EnvironmentExpander
{
    private static readonly Regex Reference = new(@"\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}");

    public static string Expand(string text, string where, Func<string, string?>? environment = null, string? file = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        return Reference.Replace(text, m =>
            environment(m.Groups[1].Value) ?? throw new PgSeedException(ErrorCode.EnvironmentVariableMissing,
                $"{where} refers to environment variable {m.Groups[1].Value}, which is not set.") { File = file });
    }
}
