using System.CommandLine;

namespace PgSeed.Cli;

/// <summary>Options every command shares.</summary>
internal static class CommonOptions
{
    public static Option<string?> Connection() => new("--connection", "-c")
    {
        Description = "Npgsql connection string or postgresql:// URI. Default: PGSEED_CONNECTION, then the PG* variables. " +
                      "Pass the password through PGPASSWORD rather than on the command line.",
    };

    public static Option<bool> DryRun() => new("--dry-run") { Description = "Print the plan and the SQL without changing anything." };

    public static Option<bool> Verbose() => new("--verbose", "-v") { Description = "Print per-table progress and every SQL statement." };

    public static Option<bool> Quiet() => new("--quiet", "-q") { Description = "Print only the summary line and errors." };
}
