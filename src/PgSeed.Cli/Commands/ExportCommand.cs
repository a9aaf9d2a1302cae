using System.CommandLine;
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
        var table = new Option<string>("--table", "-t") { Description = "Root table (schema-qualified or not; quote mixed-case names: '\"Order\"').", Required = true };
        var filter = new Option<string?>("--filter", "-f") { Description = "SQL appended after SELECT ... FROM <table>: WHERE / ORDER BY / LIMIT." };
        var raw = new Option<string?>("--raw") { Description = "A full SELECT returning the root rows (at least their key columns). Excludes --filter." };
        var include = new Option<string[]>("--include", "-i") { Description = "Another root, e.g. a lookup table no FK reaches: TABLE or TABLE:FILTER. Repeatable." };
        var children = new Option<string>("--children") { Description = "all: export rows referencing the roots and their descendants; none: roots and parents only.", DefaultValueFactory = _ => "all" };
        children.AcceptOnlyFromAmong("all", "none");
        var excludeEdge = new Option<string[]>("--exclude-edge") { Description = "Do not descend along this FK: [SCHEMA.]CHILD_TABLE.FK_NAME. Repeatable." };
        var schema = new Option<string[]>("--schema") { Description = "Only consider tables in this schema. Repeatable. Default: every non-system schema." };
        var parallel = new Option<int>("--parallel", "-p") { Description = "Connections copying data, all sharing one snapshot (1-16).", DefaultValueFactory = _ => 2 };
        var output = new Option<string>("--out", "-o") { Description = "Seed folder to write (replaced atomically).", Required = true };
        var dryRun = CommonOptions.DryRun();
        var verbose = CommonOptions.Verbose();
        var quiet = CommonOptions.Quiet();

        var command = new Command("export", "Export a referentially complete subset of a database into a seed folder (one CSV per table + pgseed.json).")
        {
            connection, table, filter, raw, include, children, excludeEdge, schema, parallel, output, dryRun, verbose, quiet,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
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
            };
            var log = new ConsoleSeedLog(stdout, stderr, result.GetValue(verbose), result.GetValue(quiet), showSql: request.DryRun || result.GetValue(verbose));
            var report = await SeedExporter.ExportAsync(request, log, cancellationToken);
            if (report.DryRun)
            {
                stdout.WriteLine("Dry run: no data read, no files written. Tables in import order:");
                stdout.Write(report.Tree);
            }
            return 0;
        });
        return command;
    }
}
