namespace PgSeed.Cli;

/// <summary>Whether output goes to a person at a terminal (live progress) or to a log, file or pipe (plain lines).</summary>
internal static class Terminal
{
    /// <summary>
    /// True for the process's own, unredirected stdout on a terminal that is not a CI log (<c>CI</c> unset,
    /// <c>TERM</c> not <c>dumb</c>). Tests pass their own writers and always get plain lines.
    /// </summary>
    public static bool IsInteractive(TextWriter stdout) =>
        ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected &&
        string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")) &&
        Environment.GetEnvironmentVariable("TERM") != "dumb";
}
