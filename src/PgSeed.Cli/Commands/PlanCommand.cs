using System.CommandLine;
using PgSeed.Adapters;
using PgSeed.Engine.Config;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Picture;

namespace PgSeed.Cli.Commands;

/// <summary>
/// <c>pgseed plan</c>: what an export would hold — its tables, why each is there, the FKs between them, cycles and
/// self-references — computed from the catalog alone (what <c>export --dry-run</c> computes; no row is read), printed
/// as the tree, a Mermaid flowchart or a Graphviz digraph.
/// </summary>
internal static class PlanCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var connection = CommonOptions.Connection();
        var table = new Option<string?>("--table", "-t") { Description = "Root table. Required unless --config is given." };
        var filter = new Option<string?>("--filter", "-f") { Description = "SQL appended after SELECT ... FROM <table>: WHERE / ORDER BY / LIMIT (checked, not run)." };
        var raw = new Option<string?>("--raw") { Description = "A full SELECT returning the root rows. Excludes --filter." };
        var include = new Option<string[]>("--include", "-i") { Description = "Another root: TABLE or TABLE:FILTER. Repeatable." };
        var children = new Option<string>("--children") { Description = "all: rows referencing the roots and their descendants; none: roots and parents only.", DefaultValueFactory = _ => "all" };
        children.AcceptOnlyFromAmong("all", "none");
        var excludeEdge = new Option<string[]>("--exclude-edge") { Description = "Do not descend along this FK: [SCHEMA.]CHILD_TABLE.FK_NAME. Repeatable." };
        var schema = new Option<string[]>("--schema") { Description = "Only consider tables in this schema. Repeatable." };
        var config = new Option<string?>("--config") { Description = $"Seed definition file ({SeedConfig.DefaultFileName}); plans the seeds named by the arguments (globs allowed), or all." };
        var names = new Argument<string[]>("seeds") { Description = "With --config: names or globs of the seeds to plan (default: all).", Arity = ArgumentArity.ZeroOrMore };
        var format = new Option<string>("--format") { Description = "text (the tree), mermaid (a flowchart GitHub renders) or dot (Graphviz).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "mermaid", "dot");

        var command = new Command("plan", "Print which tables an export would hold and through which foreign keys, without reading rows.")
        {
            connection, table, filter, raw, include, children, excludeEdge, schema, config, names, format,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var planFormat = result.GetValue(format) switch { "mermaid" => PlanFormat.Mermaid, "dot" => PlanFormat.Dot, _ => PlanFormat.Text };
            var requests = new List<(string? Name, ExportRequest Request)>();
            if (result.GetValue(config) is { } configFile)
            {
                if (result.GetValue(table) is not null)
                    throw new PgSeedException(ErrorCode.InvalidOption, "--config takes the tables from the file; do not also give --table.");
                foreach (var seed in SeedConfig.Select(SeedConfig.Load(configFile), result.GetValue(names) ?? []))
                    requests.Add((seed.Name, seed.ToExportRequest(result.GetValue(connection))));
            }
            else
            {
                if (result.GetValue(names) is { Length: > 0 })
                    throw new PgSeedException(ErrorCode.InvalidOption, "Seed names are only accepted with --config.");
                if (result.GetValue(table) is not { } root)
                    throw new PgSeedException(ErrorCode.InvalidOption, "--table is required (or give --config FILE).");
                var roots = new List<RootSelection> { new() { Table = root, Filter = result.GetValue(filter), Raw = result.GetValue(raw) } };
                foreach (var spec in result.GetValue(include) ?? []) roots.Add(RootSelection.Parse(spec));
                requests.Add((null, new ExportRequest
                {
                    ConnectionString = ConnectionResolver.Resolve(result.GetValue(connection)),
                    Roots = roots,
                    Children = result.GetValue(children) == "none" ? ChildrenMode.None : ChildrenMode.All,
                    ExcludedEdges = result.GetValue(excludeEdge) ?? [],
                    Schemas = result.GetValue(schema) ?? [],
                    OutputDirectory = "",
                }));
            }
            foreach (var (name, request) in requests)
            {
                // Warnings (a reference into an excluded table, say) still reach stderr; nothing else is printed.
                var log = new ConsoleSeedLog(stdout, stderr, verbose: false, quiet: true, showSql: false);
                var report = await SeedExporter.ExportAsync(EnvironmentSwitches.Apply(request) with { DryRun = true, PiiLint = false }, log, cancellationToken);
                if (name is not null && requests.Count > 1)
                    stdout.WriteLine(planFormat switch { PlanFormat.Mermaid => $"%% seed {name}", PlanFormat.Dot => $"// seed {name}", _ => $"seed {name}:" });
                stdout.Write(report.Graph!.Render(planFormat));
            }
            return 0;
        });
        return command;
    }
}
