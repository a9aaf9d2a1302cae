using System.CommandLine;
using PgSeed.Adapters;
using PgSeed.Engine.Config;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Diff;
using PgSeed.Engine.Export;
using PgSeed.Engine.Seed;

namespace PgSeed.Cli.Commands;

/// <summary>
/// <c>pgseed diff FOLDER [OTHER]</c>: rows added, removed and changed per table between two versions of a seed, or
/// between a seed folder and what an export of its recorded definition would write now.
/// </summary>
internal static class DiffCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var folder = new Argument<string>("seed-folder") { Description = "The seed folder (the old side)." };
        var other = new Argument<string?>("other-folder")
        {
            Description = "Another version of the seed (the new side). Without it: a fresh export of the folder's recorded definition.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var connection = CommonOptions.Connection();
        var config = new Option<string?>("--config")
        {
            Description = "Take the definition from this seed definition file (the seed whose \"out\" is the folder) instead of the manifest: needed when masks use a salt.",
        };
        var format = new Option<string>("--format") { Description = "tree (default), markdown (a pull-request body) or json.", DefaultValueFactory = _ => "tree" };
        format.AcceptOnlyFromAmong("tree", "markdown", "json");
        var rows = new Option<int>("--rows") { Description = "Rows listed per table and kind (added, removed, changed); counts are always complete.", DefaultValueFactory = _ => 10 };
        var exitCode = new Option<bool>("--exit-code") { Description = $"Exit {CliApp.Stale} when the seeds differ (0 when identical)." };
        var parallel = new Option<int>("--parallel", "-p") { Description = "Copy connections for the fresh export (1-16).", DefaultValueFactory = _ => 2 };
        var verbose = CommonOptions.Verbose();

        var command = new Command("diff", "Compare two versions of a seed, or a seed with a fresh export of its definition: rows added, removed and changed by key, columns, schema.sql.")
        {
            folder, other, connection, config, format, rows, exitCode, parallel, verbose,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(other) is not null && (result.GetValue(connection) is not null || result.GetValue(config) is not null))
                result.AddError("Give either another seed folder or --connection/--config (to compare with a fresh export), not both.");
            if (result.GetValue(rows) < 0) result.AddError("--rows must be 0 or more.");
        });
        command.SetAction(async (result, cancellationToken) =>
        {
            var before = result.GetValue(folder)!;
            var options = new SeedDiffOptions { RowsListed = result.GetValue(rows) };
            SeedDiff diff;
            if (result.GetValue(other) is { } after)
            {
                diff = await SeedDiffer.DiffAsync(before, after, options, cancellationToken);
            }
            else
            {
                var request = FreshExportRequest(before, result.GetValue(config), result.GetValue(connection)) with { Parallel = result.GetValue(parallel) };
                var log = new ConsoleSeedLog(stderr, stderr, result.GetValue(verbose), quiet: false, showSql: result.GetValue(verbose));
                diff = await SeedDiffer.DiffWithFreshExportAsync(before, EnvironmentSwitches.Apply(request), options, log, cancellationToken);
            }
            stdout.Write(result.GetValue(format) switch
            {
                "markdown" => DiffMarkdown.Render(diff),
                "json" => DiffJson.Render(diff),
                _ => DiffText.Render(diff),
            });
            return result.GetValue(exitCode) && diff.HasChanges ? CliApp.Stale : CliApp.Ok;
        });
        return command;
    }

    /// <summary>The export that re-creates <paramref name="folder"/> now: its definition file's seed, else its manifest's definition.</summary>
    private static ExportRequest FreshExportRequest(string folder, string? configFile, string? connection)
    {
        var manifest = ManifestSerializer.Read(folder);
        var schemaSql = File.Exists(Path.Combine(folder, "schema.sql"));
        if (configFile is null)
            return RecordedDefinition.ToExportRequest(manifest.Definition, ConnectionResolver.Resolve(connection), folder, folder) with { WriteSchema = schemaSql };
        var seeds = SeedConfig.Load(configFile);
        var full = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
        var seed = seeds.FirstOrDefault(s => string.Equals(Path.GetFullPath(s.Request.OutputDirectory).TrimEnd(Path.DirectorySeparatorChar), full, StringComparison.Ordinal))
                   ?? throw new PgSeedException(ErrorCode.NoSeedMatched,
                       $"No seed in {configFile} writes to {folder}. Seeds: {string.Join(", ", seeds.Select(s => $"{s.Name} ({s.Request.OutputDirectory})"))}.");
        return seed.ToExportRequest(connection) with { PiiLint = false, Strict = false };
    }
}
