namespace PgSeed.Engine.Diagnostics;

/// <summary>Where each error code is explained.</summary>
internal static class ErrorHelp
{
    public const string DocsBase = "https://github.com/pgseed/pgseed/blob/main/docs/errors.md";

    public static string LinkFor(string code) => $"{DocsBase}#{code.ToLowerInvariant()}";
}
