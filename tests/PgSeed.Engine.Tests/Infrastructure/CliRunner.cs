using PgSeed.Cli;

namespace PgSeed.Engine.Tests.Infrastructure;

/// <summary>Runs the <c>pgseed</c> command line in process, capturing its exit code and output.</summary>
public static class CliRunner
{
    public static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, stdout, stderr, TestContext.Current.CancellationToken);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
