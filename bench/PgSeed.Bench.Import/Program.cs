// Import benchmark (issue 3): a full seed of ~2.3M rows imported with --truncate and --upsert, each as a ratio
// to plain COPY FROM of the same CSV files into the same tables without FKs, measured in the same run.
// Usage: dotnet run -c Release --project bench/PgSeed.Bench.Import [-- ROUNDS]
// Server: PGSEED_TEST_CONNECTION, else a throwaway local cluster (like the tests).
using System.Diagnostics;
using System.Globalization;
using Npgsql;
using PgSeed.Engine.Export;
using PgSeed.Engine.Import;
using PgSeed.Engine.Seed;
using PgSeed.Testing.Servers;

var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
await using var server = await TestServers.StartAsync();

const string Schema = """
    create table country (code text primary key, name text not null);
    create table customer (id int generated always as identity primary key, country_code text not null references country,
                           name text not null, email text, created timestamptz not null default now());
    create table product (id serial primary key, sku text not null unique, name text not null, price numeric(10,2) not null);
    create table orders (id bigserial primary key, customer_id int not null references customer, placed date not null,
                         status text not null, note text);
    create table order_line (order_id bigint not null references orders, line int not null, product_id int not null references product,
                             qty int not null, price numeric(10,2) not null, primary key (order_id, line));
    create table payment (id bigserial primary key, order_id bigint not null references orders, amount numeric(12,2), paid_at timestamptz);
    """;
const string Data = """
    insert into country select 'C' || g, 'Country ' || g from generate_series(1, 200) g;
    insert into customer (country_code, name, email, created)
      select 'C' || (1 + g % 200), 'Customer ' || g, 'c' || g || '@example.com', timestamptz '2020-01-01' + g * interval '1 minute'
      from generate_series(1, 100000) g;
    insert into product (sku, name, price) select 'SKU-' || g, 'Product "' || g || '", size M', (g % 1000) / 10.0 from generate_series(1, 20000) g;
    insert into orders (customer_id, placed, status, note)
      select 1 + g % 100000, date '2021-01-01' + g % 1000, (array['new','paid','shipped'])[1 + g % 3], case when g % 7 = 0 then 'gift, wrap' end
      from generate_series(1, 400000) g;
    insert into order_line select o, l, 1 + (o * l) % 20000, 1 + l, ((o + l) % 500) / 10.0 from generate_series(1, 400000) o, generate_series(1, 4) l;
    insert into payment (order_id, amount, paid_at) select g, g % 1000, timestamptz '2021-01-01' + g * interval '1 second' from generate_series(1, 200000) g;
    analyze;
    """;

Console.WriteLine("Preparing source database and full seed...");
await server.CreateDatabaseAsync("bench_source");
await ExecAsync(server.ConnectionStringFor("bench_source"), Schema + Data);
var folder = Path.Combine(Path.GetTempPath(), "pgseed-import-bench");
if (Directory.Exists(folder)) Directory.Delete(folder, true);
var export = await SeedExporter.ExportAsync(new ExportRequest
{
    ConnectionString = server.ConnectionStringFor("bench_source"),
    Roots = [new RootSelection { Table = "customer" }, new RootSelection { Table = "product" }, new RootSelection { Table = "country" }],
    OutputDirectory = folder,
});
var manifest = ManifestSerializer.Read(folder);
Console.WriteLine($"Seed: {export.TotalRows:N0} rows, {export.TotalBytes / 1e6:0.0} MB, {manifest.Tables.Count} tables");

await server.CreateDatabaseAsync("bench_raw");
await ExecAsync(server.ConnectionStringFor("bench_raw"), Schema + DropAllForeignKeysSql);
await server.CreateDatabaseAsync("bench_target");
var target = server.ConnectionStringFor("bench_target");
await ExecAsync(target, Schema);
await SeedImporter.ImportAsync(new ImportRequest { ConnectionString = target, SeedDirectory = folder }); // warm-up, fills the target

var raw = new List<double>();
var truncate = new List<double>();
var upsert = new List<double>();
for (var round = 0; round < rounds; round++)
{
    raw.Add(await TimeAsync(() => RawCopyAsync(server.ConnectionStringFor("bench_raw"), folder, manifest)));
    truncate.Add(await TimeAsync(() => SeedImporter.ImportAsync(new ImportRequest { ConnectionString = target, SeedDirectory = folder, Mode = ImportMode.Truncate })));
    upsert.Add(await TimeAsync(() => SeedImporter.ImportAsync(new ImportRequest { ConnectionString = target, SeedDirectory = folder, Mode = ImportMode.Upsert })));
    Console.WriteLine($"round {round + 1}: raw COPY {raw[^1]:0.00} s, truncate {truncate[^1]:0.00} s, upsert {upsert[^1]:0.00} s");
}
if (Environment.GetEnvironmentVariable("PGSEED_BENCH_TRACE") == "1")
{
    // Where the time goes: each statement with the time until the next one started.
    foreach (var mode in new[] { ImportMode.Truncate, ImportMode.Upsert })
    {
        var trace = new TraceLog();
        await SeedImporter.ImportAsync(new ImportRequest { ConnectionString = target, SeedDirectory = folder, Mode = mode }, trace);
        trace.Print();
    }
}
double Median(List<double> xs) => xs.OrderBy(x => x).ElementAt(xs.Count / 2);
Console.WriteLine($"median: raw COPY {Median(raw):0.00} s | truncate {Median(truncate):0.00} s ({Median(truncate) / Median(raw):0.00}x, goal <= 1.3x) " +
                  $"| upsert {Median(upsert):0.00} s ({Median(upsert) / Median(raw):0.00}x, goal <= 2.5x)");
foreach (var db in new[] { "bench_source", "bench_raw", "bench_target" }) await server.DropDatabaseAsync(db);
Directory.Delete(folder, true);

// The baseline: the same CSV files, COPY FROM into the same tables (keys, no FKs), one transaction, after a TRUNCATE.
static async Task RawCopyAsync(string cs, string folder, SeedManifest manifest)
{
    await using var c = new NpgsqlConnection(cs);
    await c.OpenAsync();
    await using var tx = await c.BeginTransactionAsync();
    await using (var cmd = new NpgsqlCommand("truncate " + string.Join(", ", manifest.Tables.Select(t => $"\"{t.Schema}\".\"{t.Table}\"")), c))
        await cmd.ExecuteNonQueryAsync();
    foreach (var t in manifest.Tables)
    {
        var cols = string.Join(", ", t.Columns.Select(col => $"\"{col.Name}\""));
        await using var writer = await c.BeginTextImportAsync($"COPY \"{t.Schema}\".\"{t.Table}\" ({cols}) FROM STDIN (FORMAT csv, HEADER true)");
        var raw = ((StreamWriter)writer).BaseStream;
        await using var file = File.OpenRead(Path.Combine(folder, t.File));
        await file.CopyToAsync(raw, 1 << 16);
    }
    await tx.CommitAsync();
}

static async Task<double> TimeAsync(Func<Task> action)
{
    var watch = Stopwatch.StartNew();
    await action();
    return watch.Elapsed.TotalSeconds;
}

static async Task ExecAsync(string cs, string sql)
{
    await using var c = new NpgsqlConnection(cs);
    await c.OpenAsync();
    await using var cmd = new NpgsqlCommand(sql, c) { CommandTimeout = 0 };
    await cmd.ExecuteNonQueryAsync();
}

sealed class TraceLog : PgSeed.Engine.Diagnostics.ISeedLog
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly List<(double At, string Text)> _lines = new();
    public void Summary(string message) => _lines.Add((_watch.Elapsed.TotalSeconds, message));
    public void Detail(string message) { }
    public void Sql(string sql) => _lines.Add((_watch.Elapsed.TotalSeconds, sql.Replace('\n', ' ')));
    public void Warning(string code, string message) { }
    public void Print()
    {
        for (var i = 0; i < _lines.Count; i++)
        {
            var next = i + 1 < _lines.Count ? _lines[i + 1].At : _watch.Elapsed.TotalSeconds;
            var text = _lines[i].Text;
            Console.WriteLine($"{_lines[i].At,7:0.00} +{next - _lines[i].At,5:0.00}  {text[..Math.Min(text.Length, 110)]}");
        }
    }
}

partial class Program
{
    private const string DropAllForeignKeysSql = """
        do $$ declare r record; begin
          for r in select conrelid::regclass as t, conname from pg_constraint where contype = 'f' loop
            execute format('alter table %s drop constraint %I', r.t, r.conname);
          end loop;
        end $$;
        """;
}
