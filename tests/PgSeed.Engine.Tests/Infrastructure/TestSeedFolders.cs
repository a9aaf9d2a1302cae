using System.Text;
using PgSeed.Engine.Catalog;
using PgSeed.Engine.Connection;
using PgSeed.Engine.Seed;

namespace PgSeed.Engine.Tests.Infrastructure;

/// <summary>
/// Writes seed folders for import tests without the exporter: whole tables copied out exactly as
/// <c>pgseed export</c> writes them (COPY ... (FORMAT csv, HEADER) under the deterministic session settings),
/// or CSV text given by the test. The manifest gets real checksums and row counts.
/// </summary>
public static class TestSeedFolders
{
    /// <summary>Copies whole tables (in the given order, which is the import order) into a new seed folder.</summary>
    public static async Task<string> FromDatabaseAsync(string connectionString, params string[] tables)
    {
        var folder = NewFolder();
        await using var connection = await Sessions.OpenAsync(connectionString, default);
        var catalog = await CatalogReader.ReadAsync(connection);
        var files = new List<(SeedTable, string)>();
        var names = tables.Select(t => catalog.Resolve(t)).ToList();
        var fileNames = SeedFileNames.Assign(names.Select(t => t.Name));
        var entries = new List<SeedTable>();
        foreach (var table in names)
        {
            var columns = table.DataColumns.ToList();
            var order = table.RowKey is { } key ? " ORDER BY " + Sql.Identifier.List(key) : "";
            var sql = $"COPY (SELECT {Sql.Identifier.List(columns.Select(c => c.Name))} FROM {table.Name.Sql}{order}) TO STDOUT WITH (FORMAT csv, HEADER true)";
            var path = Path.Combine(folder, fileNames[table.Name]);
            using (var reader = await connection.BeginTextExportAsync(sql))
                await File.WriteAllTextAsync(path, await reader.ReadToEndAsync(), new UTF8Encoding(false));
            entries.Add(await EntryAsync(folder, table.Name, fileNames[table.Name], columns.Select(c => new SeedColumn(c.Name, c.Type)).ToList()));
        }
        await WriteManifestAsync(folder, entries);
        return folder;
    }

    /// <summary>A seed folder from CSV text (header line first), tables in import order.</summary>
    public static async Task<string> FromCsvAsync(params (string Table, string Csv)[] tables)
    {
        var folder = NewFolder();
        var entries = new List<SeedTable>();
        var names = tables.Select(t => Parse(t.Table)).ToList();
        var fileNames = SeedFileNames.Assign(names);
        for (var i = 0; i < tables.Length; i++)
        {
            var path = Path.Combine(folder, fileNames[names[i]]);
            await File.WriteAllTextAsync(path, tables[i].Csv, new UTF8Encoding(false));
            var header = CsvScanner.ReadHeader(path, names[i].Display);
            entries.Add(await EntryAsync(folder, names[i], fileNames[names[i]], header.Select(h => new SeedColumn(h, "text")).ToList()));
        }
        await WriteManifestAsync(folder, entries);
        return folder;
    }

    /// <summary>Rewrites the manifest after a test edited a file on purpose (checksums and counts updated).</summary>
    public static async Task RefreshManifestAsync(string folder)
    {
        var manifest = ManifestSerializer.Read(folder);
        var entries = new List<SeedTable>();
        foreach (var t in manifest.Tables)
            entries.Add(await EntryAsync(folder, new TableName(t.Schema, t.Table), t.File, t.Columns));
        await WriteManifestAsync(folder, entries);
    }

    private static async Task<SeedTable> EntryAsync(string folder, TableName name, string file, IReadOnlyList<SeedColumn> columns)
    {
        var scan = await CsvScanner.ScanFileAsync(Path.Combine(folder, file), default);
        return new SeedTable
        {
            Name = name.Display,
            Schema = name.Schema,
            Table = name.Name,
            File = file,
            Rows = Math.Max(0, scan.Records - 1),
            Bytes = scan.Bytes,
            Sha256 = scan.Sha256Hex(),
            Reason = "root",
            Columns = columns,
        };
    }

    private static Task WriteManifestAsync(string folder, IReadOnlyList<SeedTable> tables) =>
        ManifestSerializer.WriteAsync(new SeedManifest
        {
            SourceServerMajorVersion = 15,
            Definition = new SeedDefinition { Roots = new[] { new SeedRoot { Table = tables[0].Name } } },
            Tables = tables,
            ForeignKeys = Array.Empty<SeedForeignKey>(),
        }, Path.Combine(folder, SeedManifest.FileName), default);

    private static TableName Parse(string text)
    {
        var parts = Sql.Identifier.ParseQualified(text);
        return parts.Count == 2 ? new TableName(parts[0].Name, parts[1].Name) : new TableName("public", parts[0].Name);
    }

    /// <summary>A new empty folder under this test process's scratch root (deleted when the process exits).</summary>
    public static string NewFolder()
    {
        var folder = Path.Combine(Root.Value, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static readonly Lazy<string> Root = new(() =>
    {
        var root = Path.Combine(Path.GetTempPath(), "pgseed-import-tests", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(root, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        return root;
    });
}
