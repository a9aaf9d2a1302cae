using System.CommandLine;
using PgSeed.Cli.Commands;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Cli;

/// <summary>
/// The <c>pgseed</c> command line. Exit codes: 0 success, 1 failure (a PGSEED error), 2 usage error,
/// 3 differences found (<c>export --check</c>: the seed is stale; <c>diff --exit-code</c>), 130 cancelled (Ctrl+C /
/// SIGTERM; PGSEED060). Every failure prints one <c>error PGSEEDnnn: ...</c> line, never a stack trace.
/// </summary>
internal static class CliApp
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int UsageError = 2;
    public const int Stale = 3;
    public const int Cancelled = 130;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("pgseed: small, realistic, referentially complete PostgreSQL seed data for .NET tests.");
        foreach (var command in Commands(stdout, stderr)) root.Subcommands.Add(command);

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) stderr.WriteLine($"error: {error.Message}");
            stderr.WriteLine("Run 'pgseed --help' or 'pgseed <command> --help' for usage.");
            return UsageError;
        }
        try
        {
            // Signals are Program's business (Interrupts): System.CommandLine must not install handlers of its own.
            var config = new InvocationConfiguration
            {
                Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null,
            };
            return await parsed.InvokeAsync(config, cancellationToken);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Whatever the interrupt made fail on its way out (a cancelled statement, a session it closed) is the cancellation.
            stderr.WriteLine($"error {ErrorCode.Cancelled}: cancelled; nothing was changed (statements on the server were cancelled, temporary files removed).");
            return Cancelled;
        }
        catch (PgSeedException e) when (IsUsage(e))
        {
            stderr.WriteLine($"error {e.Code}: {ConnectionResolver.Redact(CliOptionNames.Respell(e.Message))}");
            return UsageError;
        }
        catch (PgSeedException e)
        {
            stderr.WriteLine($"error {e.Code}: {ConnectionResolver.Redact(CliOptionNames.Respell(e.Message))}");
            stderr.WriteLine($"  see {e.HelpUrl}");
            return Failure;
        }
        catch (Exception e)
        {
            // Whatever else escaped (a server or I/O error, a bug): one coded line, like every other failure.
            var coded = PgSeedErrors.From(e);
            stderr.WriteLine($"error {coded.Code}: {ConnectionResolver.Redact(CliOptionNames.Respell(coded.Message))}");
            stderr.WriteLine($"  see {coded.HelpUrl}");
            return Failure;
        }
    }

    private static IEnumerable<Command> Commands(TextWriter stdout, TextWriter stderr)
    {
        yield return ExportCommand.Create(stdout, stderr);
        yield return VerifyCommand.Create(stdout, stderr);
        yield return ImportCommand.Create(stdout, stderr);
        yield return CopyCommand.Create(stdout, stderr);
        yield return PlanCommand.Create(stdout, stderr);
        yield return ListCommand.Create(stdout, stderr);
        yield return DiffCommand.Create(stdout, stderr);
        yield return UpgradeCommand.Create(stdout, stderr);
    }

    // Errors about how the command was called rather than about the data or the database.
    private static bool IsUsage(PgSeedException e) =>
        e.Code is ErrorCode.FilterAndRaw or ErrorCode.InvalidOption or ErrorCode.NoConnection or ErrorCode.InvalidConnection;
}
