using PgSeed.Cli;
using PgSeed.Engine.Config;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Shaping;
using PgSeed.Engine.Tests.Infrastructure;

namespace PgSeed.Engine.Tests.Shaping;

public class SeedConfigTests(PostgresFixture pg) : IDisposable
{
    private const string Config = """
        {
          "$schema": "https://raw.githubusercontent.com/pgseed/pgseed/main/schemas/pgseed.config.schema.json",
          // comments and trailing commas are fine
          "connection": "${env:SHOP_CS}",
          "salt": "${env:SHOP_SALT}",
          "seeds": {
            "catalog": {
              "out": "seeds/catalog",
              "table": "public.customer",
              "filter": "where id <= 4",
              "include": ["country", { "table": "audit", "filter": "where id = 3" }],
              "children": "all",
              "parallel": 1,
              "tables": {
                "public.customer": {
                  "where": { "status": ["active", "pending"], "created_at": { "gte": "2024-01-01" }, "notes": { "isNull": false } },
                  "transform": { "email": { "mask": "email" }, "display_name": "'someone'", "phone": { "mask": "fixed", "value": "n/a" } },
                  "omit": ["notes"]
                },
                "acc*": { "transform": { "username": { "mask": "hash" } } },
                "login": { "transform": { "username": { "mask": "hash" } }, "where": "at >= @since::timestamp", "parameters": { "since": "2024-04-02" } },
              },
              "exclude": ["order_line"],
              "virtualForeignKeys": [{ "from": "audit.entity_id", "to": "public.\"order\".id" }],
              "allowPii": ["customer.display_name"],
              "strict": false,
            },
            "catalog-small": { "out": "../other", "table": "country", "connection": "Host=seed-only", "schemaSql": false },
            "orders": { "out": "seeds/orders", "table": "\"order\"", "children": "none", "nullExcludedReferences": true }
          }
        }
        """;

    private readonly List<string> _dirs = new();

    public void Dispose()
    {
        foreach (var dir in _dirs) if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }

    private string WriteConfig(string text)
    {
        var dir = Path.Combine(Path.GetTempPath(), "pgseed-config-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        _dirs.Add(dir);
        var path = Path.Combine(dir, SeedConfig.DefaultFileName);
        File.WriteAllText(path, text);
        return path;
    }

    private static readonly Dictionary<string, string> Env = new() { ["SHOP_CS"] = "Host=from-env;Username=u;Password=p", ["SHOP_SALT"] = "pepper" };

    [Fact]
    public void Loads_seeds_with_env_references_relative_paths_rules_and_selects_them_by_glob()
    {
        var path = WriteConfig(Config);
        var seeds = SeedConfig.Load(path, name => Env.GetValueOrDefault(name));
        Assert.Equal(["catalog", "catalog-small", "orders"], seeds.Select(s => s.Name));
        var catalog = seeds[0];
        Assert.Equal("Host=from-env;Username=u;Password=p", catalog.Connection);
        Assert.Equal(Path.Combine(Path.GetDirectoryName(path)!, "seeds", "catalog"), catalog.Request.OutputDirectory);
        Assert.Equal(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", "other")), seeds[1].Request.OutputDirectory);
        Assert.Equal("Host=seed-only", seeds[1].Connection);
        Assert.False(seeds[1].Request.WriteSchema);
        Assert.True(seeds[2].Request.NullReferencesToExcludedTables);
        Assert.Equal(ChildrenMode.None, seeds[2].Request.Children);

        var r = catalog.Request;
        Assert.Equal(["public.customer", "country", "audit"], r.Roots.Select(x => x.Table));
        Assert.Equal("where id = 3", r.Roots[2].Filter);
        var customer = r.Rules.Single(x => x.Table == "public.customer");
        Assert.Equal(
            [(WhereOperator.In, "status", 2), (WhereOperator.Gte, "created_at", 1), (WhereOperator.IsNotNull, "notes", 0)],
            customer.Conditions.Select(c => (c.Operator, c.Column, c.Values.Count)));
        Assert.Equal(MaskKind.Email, customer.Masks["email"].Kind);
        Assert.Equal("pepper", customer.Masks["email"].Salt);
        Assert.Equal("n/a", customer.Masks["phone"].Value);
        Assert.Equal("'someone'", customer.Transforms["display_name"]);
        Assert.Equal(["notes"], customer.Omit);
        Assert.Equal("2024-04-02", r.Rules.Single(x => x.Table == "login").WhereParameters["since"]);
        var vfk = Assert.Single(r.VirtualForeignKeys);
        Assert.Equal(("audit", "entity_id", "public.\"order\"", "id"), (vfk.Table, vfk.Columns[0], vfk.References, vfk.ReferencedColumns[0]));

        Assert.Equal(["catalog", "catalog-small"], SeedConfig.Select(seeds, ["catalog*"]).Select(s => s.Name));
        Assert.Equal(["catalog", "orders"], SeedConfig.Select(seeds, ["orders", "catalog"]).Select(s => s.Name));
        Assert.Equal(3, SeedConfig.Select(seeds, []).Count);
        var none = Assert.Throws<PgSeedException>(() => SeedConfig.Select(seeds, ["nope*"]));
        Assert.Equal(ErrorCode.NoSeedMatched, none.Code);
        Assert.Contains("catalog-small", none.Message);

        // An explicit connection wins over the file's.
        Assert.Equal("Host=cli", new Npgsql.NpgsqlConnectionStringBuilder(catalog.ToExportRequest("Host=cli").ConnectionString).Host is "cli" ? "Host=cli" : "?");
    }

    [Fact]
    public void The_example_in_the_docs_loads()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "docs", "seed-config.md"))) dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("docs not found");
        var doc = File.ReadAllText(Path.Combine(dir, "docs", "seed-config.md"));
        var start = doc.IndexOf("```json\n", StringComparison.Ordinal) + "```json\n".Length;
        var path = WriteConfig(doc[start..doc.IndexOf("```", start, StringComparison.Ordinal)]);
        var seeds = SeedConfig.Load(path, name => name == "PGSEED_CONNECTION" ? "Host=h" : "salt");
        Assert.Equal(["catalog", "lookups"], seeds.Select(s => s.Name));
        Assert.Equal(4, seeds[0].Request.Rules.Count);
        Assert.True(File.Exists(Path.Combine(dir, "schemas", "pgseed.config.schema.json")));
    }

    [Theory]
    [InlineData("""{ "seeds": { "a": { "out": "x", "table": "t", "tabels": {} } } }""", "unknown property \"tabels\"")]
    [InlineData("""{ "seeds": { "a": { "out": "x" } } }""", "\"table\"")]
    [InlineData("""{ "seeds": { "a": { "out": "x", "table": "t", "tables": { "t": { "transform": { "c": { "mask": "scramble" } } } } } } }""", "unknown masker")]
    [InlineData("""{ "seeds": { "a": { "out": "x", "table": "t", "tables": { "t": { "transform": { "c": { "mask": "hash" } } } } } } }""", "needs a salt")]
    [InlineData("""{ "seeds": { "a": { "out": "x", "table": "t", "tables": { "t": { "where": { "c": { "between": [1, 2] } } } } } } }""", "unknown operator")]
    [InlineData("""{ "seeds": { "a": { "out": "x", "table": "t", "children": "some" } } }""", "\"all\" or \"none\"")]
    [InlineData("""{ "seeds": { "a": { "out": "x", "table": "t", "virtualForeignKeys": [{ "from": "t", "to": "u.id" }] } } }""", "[schema.]table.column")]
    [InlineData("{ \"seeds\": {\n  \"a\": { \"out\": \"x\",, } } }", "(2)")]
    public void Invalid_files_are_refused_with_the_file_and_the_json_path(string text, string expected)
    {
        var path = WriteConfig(text);
        var e = Assert.Throws<PgSeedException>(() => SeedConfig.Load(path, _ => null));
        Assert.Equal(ErrorCode.ConfigInvalid, e.Code);
        Assert.Equal(path, e.File);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_missing_environment_variable_is_named_but_no_value_is_shown()
    {
        var path = WriteConfig(Config);
        var e = Assert.Throws<PgSeedException>(() => SeedConfig.Load(path, name => name == "SHOP_CS" ? "Password=hunter2" : null));
        Assert.Equal(ErrorCode.EnvironmentVariableMissing, e.Code);
        Assert.Contains("SHOP_SALT", e.Message);
        Assert.DoesNotContain("hunter2", e.Message);
    }

    [Fact]
    public async Task Pgseed_export_config_runs_the_selected_seeds_with_their_rules()
    {
        await using var s = await ExportScenario.CreateAsync(pg, ShapingSchema.Schema, ShapingSchema.Data);
        var variable = "PGSEED_SHAPING_TEST_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        Environment.SetEnvironmentVariable(variable, s.Source.ConnectionString);
        try
        {
            var path = WriteConfig(Config.Replace("${env:SHOP_CS}", "${env:" + variable + "}").Replace("${env:SHOP_SALT}", "pepper"));
            var folder = Path.GetDirectoryName(path)!;
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var code = await CliApp.RunAsync(["export", "--config", path, "catalog", "ord*", "--allow-pii", "customer.email"], stdout, stderr, TestContext.Current.CancellationToken);
            Assert.True(code == 0, stderr.ToString());
            Assert.Contains("seed catalog:", stdout.ToString());
            Assert.Contains("seed orders:", stdout.ToString());
            Assert.False(Directory.Exists(Path.GetFullPath(Path.Combine(folder, "..", "other"))));

            var seed = Path.Combine(folder, "seeds", "catalog");
            Assert.True(File.Exists(Path.Combine(seed, "schema.sql")));
            await using var copy = await pg.CreateDatabaseAsync(ShapingSchema.Schema);
            await SeedLoader.LoadWithForeignKeysCheckedAsync(copy.ConnectionString, seed);
            // Customers 1 and 2 pass the structured where as roots (notes is null for 2, so only 1 does);
            // the audit root pulls order 14 and its customer 4 as parents.
            Assert.Equal(["1", "4"], await copy.ColumnAsync("select id from customer order by 1"));
            Assert.All(await copy.ColumnAsync("select email from customer"), e => Assert.EndsWith("@example.com", e));
            Assert.Equal(["someone"], (await copy.ColumnAsync("select display_name from customer")).Distinct());
            Assert.Equal(["1001"], await copy.ColumnAsync("select id from login order by 1"));
            Assert.Equal(0L, await copy.ScalarAsync<long>("select count(*) from order_line"));
            Assert.Equal(["1", "3"], await copy.ColumnAsync("select id from audit order by 1"));
            Assert.Equal(["10", "11", "14"], await copy.ColumnAsync("select id from \"order\" order by 1"));

            Assert.Equal(2, (await CliApp.RunAsync(["export", "--config", path, "--table", "t"], stdout, stderr, TestContext.Current.CancellationToken)));
            Assert.Equal(1, (await CliApp.RunAsync(["export", "--config", path, "nothing-like-this"], stdout, stderr, TestContext.Current.CancellationToken)));
            Directory.Delete(folder, recursive: true);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }
}
