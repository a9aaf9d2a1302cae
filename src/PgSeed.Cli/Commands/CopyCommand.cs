using System.CommandLine;
using PgSeed.Adapters;
using PgSeed.Engine.Config;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Copy;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Import;

namespace PgSeed.Cli.Commands;

/// <summary><c>pgseed copy</c>: export's selection options, import's modes, no files in between (<see cref="DatabaseCopier"/>).</summary>
internal static class CopyCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var from = new Option<string>("--from") { Description = "Source: connection string or postgresql:// URI (a standby and a read-only role will do).", Required = true };
        var to = new Option<string>("--to") { Description = "Target: connection string or postgresql:// URI; its schema must hold the tables.", Required = true };
        var table = new Option<string?>("--table", "-t") { Description = "Root table, or a glob for whole tables ('sales.*'). Required unless --config is given." };
        var filter = new Option<string?>("--filter", "-f") { Description = "SQL appended after SELECT ... FROM <table>: WHERE / ORDER BY / LIMIT." };
        var raw = new Option<string?>("--raw") { Description = "A full SELECT returning the root rows (at least their key columns). Excludes --filter." };
        var include = new Option<string[]>("--include", "-i") { Description = "Another root: TABLE, TABLE:FILTER or a glob. Repeatable." };
        var children = new Option<string>("--children") { Description = "all: rows referencing the roots and their descendants too; none: roots and parents only.", DefaultValueFactory = _ => "all" };
        children.AcceptOnlyFromAmong("all", "none");
        var excludeEdge = new Option<string[]>("--exclude-edge") { Description = "Do not descend along this FK: [SCHEMA.]CHILD_TABLE.FK_NAME. Repeatable." };
        var excludeTable = new Option<string[]>("--exclude-table") { Description = "Never copy this table (name or glob); references to it are copied as they are. Repeatable." };
        var schema = new Option<string[]>("--schema") { Description = "Only consider tables in this schema. Repeatable." };
        var config = new Option<string?>("--config") { Description = $"Seed definition file ({SeedConfig.DefaultFileName}): copies the selection (rules and masks included) of the seeds named by the arguments, or all." };
        var names = new Argument<string[]>("seeds") { Description = "With --config: names or globs of the seeds to copy (default: all).", Arity = ArgumentArity.ZeroOrMore };
        var truncate = new Option<bool>("--truncate") { Description = "Empty the copied tables in the target first (one TRUNCATE), then load." };
        var upsert = new Option<bool>("--upsert") { Description = "Insert new rows and update existing ones by primary key (or a NOT NULL unique key)." };
        var cascade = new Option<bool>("--cascade") { Description = "With --truncate: also empty the target's tables that reference the copied ones." };
        var disableTriggers = new Option<bool>("--disable-triggers") { Description = "Load with user triggers off (session_replication_role = replica). FKs are still checked." };
        var parallel = new Option<int>("--parallel", "-p") { Description = "Source connections on one snapshot, reading ahead while the target loads (1-16).", DefaultValueFactory = _ => 2 };
        var closure = CommonOptions.Closure();
        var closureKeyLimit = CommonOptions.ClosureKeyLimit();
        var dryRun = CommonOptions.DryRun();
        var verbose = CommonOptions.Verbose();
        var quiet = CommonOptions.Quiet();

        var command = new Command("copy", "Copy a referentially complete subset, or whole tables, from one database into another in one transaction, without files.")
        {
            from, to, table, filter, raw, include, children, excludeEdge, excludeTable, schema, config, names,
            truncate, upsert, cascade, disableTriggers, parallel, closure, closureKeyLimit, dryRun, verbose, quiet,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(truncate) && result.GetValue(upsert)) result.AddError("--truncate and --upsert cannot be combined.");
            if (result.GetValue(cascade) && !result.GetValue(truncate)) result.AddError("--cascade only applies with --truncate.");
        });
        command.SetAction(async (result, cancellationToken) =>
        {
            var source = ConnectionResolver.Resolve(result.GetValue(from));
            var selections = new List<(string? Name, ExportRequest Request)>();
            if (result.GetValue(config) is { } configFile)
            {
                if (result.GetValue(table) is not null)
                    throw new PgSeedException(ErrorCode.InvalidOption, "--config takes the tables from the file; do not also give --table.");
                foreach (var seed in SeedConfig.Select(SeedConfig.Load(configFile), result.GetValue(names) ?? []))
                    selections.Add((seed.Name, seed.ToExportRequest(source)));
            }
            else
            {
                if (result.GetValue(names) is { Length: > 0 }) throw new PgSeedException(ErrorCode.InvalidOption, "Seed names are only accepted with --config.");
                if (result.GetValue(table) is not { } root) throw new PgSeedException(ErrorCode.InvalidOption, "--table is required (or give --config FILE).");
                var roots = new List<RootSelection> { new() { Table = root, Filter = result.GetValue(filter), Raw = result.GetValue(raw) } };
                foreach (var spec in result.GetValue(include) ?? []) roots.Add(RootSelection.Parse(spec));
                selections.Add((null, new ExportRequest
                {
                    ConnectionString = source,
                    Roots = roots,
                    Children = result.GetValue(children) == "none" ? ChildrenMode.None : ChildrenMode.All,
                    ExcludedEdges = result.GetValue(excludeEdge) ?? [],
                    Schemas = result.GetValue(schema) ?? [],
                    OutputDirectory = "",
                }));
            }
            var targetConnection = ConnectionResolver.Resolve(result.GetValue(to));
            var log = new ConsoleSeedLog(stdout, stderr, result.GetValue(verbose), result.GetValue(quiet), showSql: result.GetValue(dryRun) || result.GetValue(verbose));
            foreach (var (name, selection) in selections)
            {
                if (name is not null) stdout.WriteLine($"seed {name}:");
                var request = new CopyRequest
                {
                    Source = EnvironmentSwitches.Apply(selection) with
                    {
                        ExcludedTables = selection.ExcludedTables.Concat(result.GetValue(excludeTable) ?? []).ToList(),
                        Closure = CommonOptions.ClosureMode(result.GetValue(closure)),
                        ClosureKeyLimit = result.GetValue(closureKeyLimit),
                    },
                    TargetConnectionString = targetConnection,
                    Mode = result.GetValue(truncate) ? ImportMode.Truncate : result.GetValue(upsert) ? ImportMode.Upsert : ImportMode.Append,
                    Cascade = result.GetValue(cascade),
                    DisableTriggers = result.GetValue(disableTriggers),
                    Parallel = result.GetValue(parallel),
                    DryRun = result.GetValue(dryRun),
                };
                var report = await log.RunAsync(() => DatabaseCopier.CopyAsync(request, log, cancellationToken), live: !request.DryRun);
                if (report.DryRun)
                {
                    stdout.WriteLine("Dry run: no rows read, nothing written. Tables in load order:");
                    stdout.Write(report.Tree);
                }
            }
            return CliApp.Ok;
        });
        return command;
    }
}
