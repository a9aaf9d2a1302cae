using Npgsql;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Export;

/// <summary>
/// Checks each root's filter or raw query on its own (<c>EXPLAIN</c>: parsed and planned, never run) before the
/// closure embeds it in larger statements. An error then points into the user's text with a caret, instead of
/// blaming a word of PgSeed's own SQL (an unclosed parenthesis would otherwise surface at <c>ON CONFLICT</c>).
/// </summary>
internal static class FilterCheck
{
    public static async Task RunAsync(NpgsqlConnection connection, SubsetPlan plan, CancellationToken cancellationToken)
    {
        foreach (var root in plan.Roots)
        {
            var (prefix, text, what) = root.Selection switch
            {
                { Raw: { } raw } => ("EXPLAIN (COSTS OFF)\n", raw, "raw query"),
                // A partition named as the root: its filter may name the partition, as in ClosureSql.SeedRoot.
                { Filter: { } filter } => ($"EXPLAIN (COSTS OFF) SELECT * FROM {(root.Partition?.Name ?? root.Table.Name).Sql}\n", filter, "filter"),
                _ => (null, null, null),
            };
            if (prefix is null) continue;
            try
            {
                await Sessions.ExecuteAsync(connection, prefix + text, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState is not ("57014" or "25006")) // cancelled; writes are the closure's to report
            {
                var table = root.Table.Name.Display;
                int? position = e.Position > prefix.Length ? Math.Min(e.Position - prefix.Length, text!.Length + 1) : null;
                var (where, picture) = position is { } p ? SqlCaret.Describe(text!, p, what!) : ("", "");
                throw new PgSeedException(ErrorCode.BadFilter,
                    $"The {what} for {table} has an error{where}: {e.MessageText}" + (e.Hint is { } h ? $" ({h})" : "") + picture, e)
                    { Table = table, Position = position };
            }
        }
    }
}
