using System.Text.RegularExpressions;
using Npgsql;
using PgSeed.Engine.Catalog;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Shaping;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Export;

/// <summary>A column that looks personal and is exported as it is.</summary>
internal sealed record PiiFinding(string Table, string Column, string Kind, string Evidence)
{
    public override string ToString() => $"{Table}.{Identifier.QuoteIfNeeded(Column)} ({Kind}, by {Evidence})";
}

/// <summary>
/// Flags exported columns that look personal — by name, or by a sample of the exported rows' values read in
/// the export's snapshot — and that have no transform, mask or omit rule and are not allowed explicitly.
/// One PGSEED092 warning per table lists its columns with the rule that masks them and the entry that accepts them;
/// with <c>--strict</c> they are one error.
/// </summary>
internal static class PiiLint
{
    public const int SampleRows = 200;

    private static readonly (string Kind, string Regex)[] ContentPatterns =
    [
        ("email", @"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"),
        ("phone", @"^((\+|00)[0-9][0-9 ()-]{6,18}[0-9]|\(?[0-9]{3}\)?[ .-][0-9]{3}[ .-][0-9]{4})$"),
        ("iban", @"^[A-Z]{2}[0-9]{2} ?([A-Z0-9]{4} ?){2,7}[A-Z0-9]{1,4}$"),
        ("ssn", @"^[0-9]{3}-[0-9]{2}-[0-9]{4}$"),
        ("ip", @"^([0-9]{1,3}\.){3}[0-9]{1,3}$"),
    ];

    private static readonly Regex TextType = new(@"^(text|citext|character varying|character|varchar|char|bpchar)(\(\d+\))?$");

    /// <param name="exportedRows">A table's exported rows as the text after FROM, alias <c>t</c> (the closure store knows where they are).</param>
    /// <param name="connection">The connection holding the export's snapshot.</param>
    /// <param name="catalog">The source catalog.</param>
    /// <param name="plan">The planned tables.</param>
    /// <param name="request">The export (its allow list and strictness).</param>
    /// <param name="log">Receives the findings as warnings.</param>
    /// <param name="cancellationToken">Cancels the work (and its server queries).</param>
    public static async Task<IReadOnlyList<PiiFinding>> RunAsync(NpgsqlConnection connection, DatabaseCatalog catalog, SubsetPlan plan,
        ExportRequest request, ISeedLog log, CancellationToken cancellationToken, Func<PlannedTable, string>? exportedRows = null)
    {
        var allowed = AllowedColumns(catalog, request.AllowPii);
        var findings = new List<PiiFinding>();
        foreach (var t in plan.ImportOrder)
        {
            // Key and FK columns hold identifiers (shipping_address_id is not an address); they take only the hash masker anyway.
            var keys = t.Info.ForeignKeys.SelectMany(f => f.Columns).Concat(t.Info.RowKey ?? Array.Empty<string>()).ToHashSet();
            var candidates = t.ExportColumns.Where(c => !t.Transforms.ContainsKey(c.Name) && !allowed.Contains((t.Name, c.Name)) && !keys.Contains(c.Name)).ToList();
            var sampled = new List<ColumnInfo>();
            foreach (var c in candidates)
            {
                var kind = PersonalColumnNames.KindOf(t.Name, c);
                if (kind is not null) findings.Add(new PiiFinding(t.Name.Display, c.Name, kind, "name"));
                else if (c.Type is "inet" or "cidr") findings.Add(new PiiFinding(t.Name.Display, c.Name, "ip", "type"));
                else if (TextType.IsMatch(c.Type)) sampled.Add(c);
            }
            if (sampled.Count > 0) findings.AddRange(await SampleAsync(connection, t, sampled,
                exportedRows?.Invoke(t) ?? ClosureSql.ExportedRows(t, "t"), cancellationToken).ConfigureAwait(false));
        }
        if (findings.Count > 0 && request.Strict)
            throw new PgSeedException(ErrorCode.PersonalData,
                $"Exported columns look personal and have no transform, mask or omit rule ({OptionNames.ExportStrict}):\n  " +
                string.Join("\n  ", Advice(plan, findings))) { Table = findings[0].Table, Column = findings[0].Column };
        // One warning per table: adapters list them after the summary tree, one line each.
        foreach (var line in Advice(plan, findings)) log.Warning(ErrorCode.PersonalData, line);
        return findings;
    }

    private static IEnumerable<string> Advice(SubsetPlan plan, IReadOnlyList<PiiFinding> findings) =>
        plan.ImportOrder.Select(t => (t.Info, Findings: findings.Where(f => f.Table == t.Name.Display).OrderBy(f => t.Info.Column(f.Column)?.Number ?? 0).ToList()))
            .Where(x => x.Findings.Count > 0).Select(x => PiiAdvice.ForTable(x.Info, x.Findings));

    /// <summary>
    /// One query per table over at most <see cref="SampleRows"/> exported rows: a column is flagged when at least
    /// half of its non-null sampled values match one pattern.
    /// </summary>
    private static async Task<IEnumerable<PiiFinding>> SampleAsync(NpgsqlConnection connection, PlannedTable t, List<ColumnInfo> columns,
        string from, CancellationToken cancellationToken)
    {
        var select = string.Join(", ", columns.Select((c, i) => $"t.{Identifier.Quote(c.Name)}::text AS c{i}"));
        var measures = new List<string>();
        for (var i = 0; i < columns.Count; i++)
        {
            measures.Add($"count(c{i})");
            measures.AddRange(ContentPatterns.Select(p => $"count(*) FILTER (WHERE c{i} ~ {Identifier.Literal(p.Regex)})"));
        }
        // The first rows by key: the same sample every run (the key's index makes it as cheap as any 200 rows).
        var order = t.KeyColumns is { Count: > 0 } key ? " ORDER BY " + string.Join(", ", key.Select(k => "t." + Identifier.Quote(k))) : "";
        var sql = $"SELECT {string.Join(", ", measures)} FROM (SELECT {select} FROM {from}{order} LIMIT {SampleRows}) s";
        var cmd = new NpgsqlCommand(sql, connection);
        await using var cmdScope = cmd.ConfigureAwait(false);
        var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var found = new List<PiiFinding>();
        var width = 1 + ContentPatterns.Length;
        for (var i = 0; i < columns.Count; i++)
        {
            var nonNull = reader.GetInt64(i * width);
            if (nonNull == 0) continue;
            for (var p = 0; p < ContentPatterns.Length; p++)
            {
                if (reader.GetInt64(i * width + 1 + p) * 2 < nonNull) continue;
                found.Add(new PiiFinding(t.Name.Display, columns[i].Name, ContentPatterns[p].Kind, "content"));
                break;
            }
        }
        return found;
    }

    /// <summary><c>[schema.]table.column</c> entries; the table part may be a glob, the column <c>*</c>.</summary>
    private static HashSet<(TableName, string)> AllowedColumns(DatabaseCatalog catalog, IReadOnlyList<string> entries)
    {
        var result = new HashSet<(TableName, string)>();
        foreach (var entry in entries)
        {
            var (tableText, column) = ColumnReference.Split(entry, OptionNames.ExportAllowPii);
            foreach (var table in TablePattern.Match(catalog, tableText, OptionNames.ExportAllowPii + " table"))
                foreach (var c in table.Columns.Where(c => column == "*" || string.Equals(c.Name, column, StringComparison.OrdinalIgnoreCase)))
                    result.Add((table.Name, c.Name));
        }
        return result;
    }
}
