using System.CommandLine;
using PgSeed.Adapters;
using PgSeed.Engine.Config;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;

namespace PgSeed.Cli.Commands;

/// <summary><c>pgseed export</c>: a thin adapter from command-line options to <see cref="ExportRequest"/>.</summary>
internal static class ExportCommand
{
    internal static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var connection = CommonOptions.Connection();
        var table = new Option<string>("--table", "-t") { Description = "Root table (schema-qualified or not; quote mixed-case names: '\"Order\"'). Required unless --config is given." };
        var filter = new Option<string?>("--filter", "-f") { Description = "SQL appended after SELECT ... FROM <table>: WHERE / ORDER BY / LIMIT." };
        var raw = new Option<string?>("--raw") { Description = "A full SELECT returning the root rows (at least their key columns). Excludes --filter." };
        var include = new Option<string[]>("--include", "-i") { Description = "Another root, e.g. a lookup table no FK reaches: TABLE or TABLE:FILTER. Repeatable." };
        var children = new Option<string>("--children") { Description = "all: export rows referencing the roots and their descendants; none: roots and parents only.", DefaultValueFactory = _ => "all" };
        children.AcceptOnlyFromAmong("all", "none");
        var excludeEdge = new Option<string[]>("--exclude-edge") { Description = "Do not descend along this FK: [SCHEMA.]CHILD_TABLE.FK_NAME. Repeatable." };
        var schema = new Option<string[]>("--schema") { Description = "Only consider tables in this schema. Repeatable. Default: every non-system schema." };
        var parallel = new Option<int>("--parallel", "-p") { Description = "Connections copying data, all sharing one snapshot (1-16).", DefaultValueFactory = _ => 2 };
        var output = new Option<string?>("--out", "-o") { Description = "Seed folder to write (replaced atomically). Required unless --config is given." };
        var config = new Option<string?>("--config") { Description = $"Seed definition file ({SeedConfig.DefaultFileName}); exports the seeds named by the arguments (globs allowed), or all." };
        var names = new Argument<string[]>("seeds") { Description = "With --config: names or globs of the seeds to export (default: all).", Arity = ArgumentArity.ZeroOrMore };
        var strict = new Option<bool>("--strict") { Description = "Fail instead of warning when a where rule keeps referenced rows or a column looks personal." };
        var allowPii = new Option<string[]>("--allow-pii") { Description = "Accept a column the personal-data lint flags: [SCHEMA.]TABLE.COLUMN (table may be a glob). Repeatable." };
        var check = new Option<bool>("--check")
        {
            Description = $"Export into a temporary folder and compare it with --out: exit 0 when identical, {CliApp.Stale} when the seed would change " +
                          "(one line per changed table). The seed folder is never written.",
        };
        var closure = CommonOptions.Closure();
        var closureKeyLimit = CommonOptions.ClosureKeyLimit();
        var dryRun = CommonOptions.DryRun();
        var verbose = CommonOptions.Verbose();
        var quiet = CommonOptions.Quiet();

        var command = new Command("export", "Export a referentially complete subset of a database into a seed folder (one CSV per table + pgseed.json).")
        {
            connection, table, filter, raw, include, children, excludeEdge, schema, parallel, output, dryRun, verbose, quiet,
            config, strict, allowPii, names, check, closure, closureKeyLimit,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (result.GetValue(config) is { } configFile)
            {
                if (result.GetValue(table) is not null || result.GetValue(output) is not null)
                    throw new PgSeedException(ErrorCode.InvalidOption, "--config takes the tables and folders from the file; do not also give --table or --out.");
                var seeds = SeedConfig.Select(SeedConfig.Load(configFile), result.GetValue(names) ?? []);
                var allCurrent = true;
                foreach (var seed in seeds)
                {
                    var fromFile = seed.ToExportRequest(result.GetValue(connection));
                    var seedRequest = fromFile with
                    {
                        DryRun = result.GetValue(dryRun),
                        Strict = fromFile.Strict || result.GetValue(strict),
                        AllowPii = fromFile.AllowPii.Concat(result.GetValue(allowPii) ?? []).ToList(),
                        SeedName = seed.Name,
                        Closure = CommonOptions.ClosureMode(result.GetValue(closure)),
                        ClosureKeyLimit = result.GetValue(closureKeyLimit),
                        RefreshCommand = RefreshCommandLine.ForConfig(configFile, seed.Name),
                    };
                    stdout.WriteLine($"seed {seed.Name}:");
                    allCurrent &= await RunAsync(seedRequest, result, stdout, stderr, verbose, quiet, check, cancellationToken);
                }
                return allCurrent ? CliApp.Ok : CliApp.Stale;
            }
            if (result.GetValue(names) is { Length: > 0 })
                throw new PgSeedException(ErrorCode.InvalidOption, "Seed names are only accepted with --config.");
            if (result.GetValue(table) is null || result.GetValue(output) is null)
                throw new PgSeedException(ErrorCode.InvalidOption, "--table and --out are required (or give --config FILE).");
            var roots = new List<RootSelection>
            {
                new() { Table = result.GetValue(table)!, Filter = result.GetValue(filter), Raw = result.GetValue(raw) },
            };
            foreach (var spec in result.GetValue(include) ?? []) roots.Add(RootSelection.Parse(spec));
            var request = new ExportRequest
            {
                ConnectionString = ConnectionResolver.Resolve(result.GetValue(connection)),
                Roots = roots,
                Children = result.GetValue(children) == "none" ? ChildrenMode.None : ChildrenMode.All,
                ExcludedEdges = result.GetValue(excludeEdge) ?? [],
                Schemas = result.GetValue(schema) ?? [],
                Parallel = result.GetValue(parallel),
                OutputDirectory = result.GetValue(output)!,
                DryRun = result.GetValue(dryRun),
                Strict = result.GetValue(strict),
                AllowPii = result.GetValue(allowPii) ?? [],
                Closure = CommonOptions.ClosureMode(result.GetValue(closure)),
                ClosureKeyLimit = result.GetValue(closureKeyLimit),
            };
            request = request with { RefreshCommand = RefreshCommandLine.ForOptions(request) };
            return await RunAsync(request, result, stdout, stderr, verbose, quiet, check, cancellationToken) ? CliApp.Ok : CliApp.Stale;
        });
        return command;
    }

    /// <summary>Exports, or with --check compares; false when --check found the seed stale.</summary>
    private static async Task<bool> RunAsync(ExportRequest request, ParseResult result, TextWriter stdout, TextWriter stderr,
        Option<bool> verbose, Option<bool> quiet, Option<bool> check, CancellationToken cancellationToken)
    {
        var log = new ConsoleSeedLog(stdout, stderr, result.GetValue(verbose), result.GetValue(quiet), showSql: request.DryRun || result.GetValue(verbose));
        if (result.GetValue(check)) return await ExportCheck.RunAsync(request, log, stdout, cancellationToken);
        var report = await log.RunAsync(() => SeedExporter.ExportAsync(EnvironmentSwitches.Apply(request), log, cancellationToken), live: !request.DryRun);
        if (report.DryRun)
        {
            stdout.WriteLine("Dry run: no data read, no files written. Tables in import order:");
            stdout.Write(report.Tree);
        }
        return true;
    }
}
