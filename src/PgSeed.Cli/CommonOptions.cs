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

    public static Option<string> Closure()
    {
        var option = new Option<string>("--closure")
        {
            Description = "Where the subset is computed: server (temporary tables), client (keys held here; nothing written on the server: " +
                          "standbys, read-only roles) or auto (client on a standby or without TEMPORARY, else server).",
            DefaultValueFactory = _ => "auto",
        };
        option.AcceptOnlyFromAmong("auto", "server", "client");
        return option;
    }

    public static Option<long> ClosureKeyLimit() => new("--closure-key-limit")
    {
        Description = "Most row keys the client closure may hold in memory (PGSEED027 beyond).",
        DefaultValueFactory = _ => PgSeed.Engine.Export.ExportRequest.DefaultClosureKeyLimit,
    };

    public static PgSeed.Engine.Export.ClosureMode ClosureMode(string? value) => value switch
    {
        "server" => PgSeed.Engine.Export.ClosureMode.Server,
        "client" => PgSeed.Engine.Export.ClosureMode.Client,
        _ => PgSeed.Engine.Export.ClosureMode.Auto,
    };
}
