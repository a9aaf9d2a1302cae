using System.Text.RegularExpressions;

namespace PgSeed.Engine.Diagnostics;

/// <summary>Keeps passwords out of messages: every error and warning text that may quote a connection string passes here.</summary>
internal static class Redaction
{
    /// <summary>Removes anything that looks like a password assignment from a message.</summary>
    public static string Redact(string message) =>
        Regex.Replace(message, @"(?i)(password|pwd)\s*=\s*[^;\s']*", "$1=***");
}
