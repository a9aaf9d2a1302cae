using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using PgSeed.Engine.Catalog;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;
using Spectre.Console;

namespace PgSeed.Cli.Commands;

/// <summary>
/// <c>pgseed list [GLOB...]</c>: the tables a seed could start from — estimated rows, size, primary key, FKs out and in,
/// and columns that look personal — as a table, or as JSON for scripts. Reads the catalog and statistics only.
/// </summary>
internal static class ListCommand
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = ListJsonContext.Default,
    };

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var connection = CommonOptions.Connection();
        var schema = new Option<string[]>("--schema") { Description = "Only tables in this schema. Repeatable. Default: every non-system schema." };
        var format = new Option<string>("--format") { Description = "table (default) or json.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var patterns = new Argument<string[]>("tables") { Description = "Table names or globs (order*, sales.*); default: every table.", Arity = ArgumentArity.ZeroOrMore };

        var command = new Command("list", "List tables with estimated rows, size, primary key, foreign keys in and out, and columns that look personal.")
        {
            connection, schema, format, patterns,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var tables = await DatabaseOverview.ReadAsync(ConnectionResolver.Resolve(result.GetValue(connection)),
                result.GetValue(schema) ?? [], result.GetValue(patterns) ?? [], cancellationToken);
            if (result.GetValue(format) == "json")
            {
                stdout.WriteLine(JsonSerializer.Serialize(tables, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<IReadOnlyList<TableOverview>>)Json.GetTypeInfo(typeof(IReadOnlyList<TableOverview>))).Replace("\r\n", "\n"));
                return 0;
            }
            if (tables.Count == 0)
            {
                stderr.WriteLine("No tables found" + (result.GetValue(patterns) is { Length: > 0 } ? " matching the arguments." : "."));
                return 0;
            }
            Render(tables, stdout);
            return 0;
        });
        return command;
    }

    private static void Render(IReadOnlyList<TableOverview> tables, TextWriter stdout)
    {
        var interactive = Terminal.IsInteractive(stdout);
        // Plain output is rendered aside first, to drop the padding Spectre adds for a terminal.
        var target = interactive ? stdout : new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(target),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!interactive) console.Profile.Width = 4000; // a log or a file: no terminal to wrap for
        var table = new Table().Border(interactive ? TableBorder.Rounded : TableBorder.Markdown)
            .AddColumn("table").AddColumn(new TableColumn("est. rows").RightAligned()).AddColumn(new TableColumn("size").RightAligned())
            .AddColumn("primary key").AddColumn("references").AddColumn("referenced by").AddColumn("looks personal");
        foreach (var t in tables)
        {
            table.AddRow(
                Markup.Escape(t.Name + (t.Partitioned ? " (partitioned)" : "")),
                t.EstimatedRows is { } rows ? SummaryTree.Count(rows) : "?",
                SummaryTree.Size(t.SizeBytes),
                t.PrimaryKey.Count == 0 ? "[grey]none[/]" : Markup.Escape(string.Join(", ", t.PrimaryKey)),
                Markup.Escape(string.Join(", ", t.ForeignKeys.Select(f => f.References).Distinct())),
                Markup.Escape(string.Join(", ", t.ReferencedBy.Select(f => f.Table).Distinct())),
                interactive && t.PersonalData.Count > 0
                    ? $"[yellow]{Markup.Escape(string.Join(", ", t.PersonalData.Select(p => $"{p.Column} ({p.Kind})")))}[/]"
                    : Markup.Escape(string.Join(", ", t.PersonalData.Select(p => $"{p.Column} ({p.Kind})"))));
        }
        console.Write(table);
        console.WriteLine($"{tables.Count} tables. Estimates come from the planner's statistics (ANALYZE refreshes them); \"?\": never analysed.");
        if (interactive) return;
        foreach (var line in target.ToString()!.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0)) stdout.WriteLine(line);
    }
}

/// <summary>Compile-time serialization metadata for <c>list --format json</c> (the native <c>pgseed</c> has no reflection-based serialization).</summary>
[JsonSerializable(typeof(IReadOnlyList<TableOverview>))]
internal sealed partial class ListJsonContext : JsonSerializerContext;
