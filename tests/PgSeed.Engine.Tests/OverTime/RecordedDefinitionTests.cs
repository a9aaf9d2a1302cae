using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Seed;
using PgSeed.Engine.Tests.Infrastructure;
using static PgSeed.Engine.Tests.Infrastructure.CliRunner;
using static PgSeed.Engine.Tests.OverTime.OverTimeKit;

namespace PgSeed.Engine.Tests.OverTime;

public class RecordedDefinitionTests(PostgresFixture pg)
{
    private static async Task<(string Config, string Folder)> ConfigAsync(ExportScenario s, string? salt)
    {
        var dir = s.NewFolder();
        Directory.CreateDirectory(dir);
        var config = Path.Combine(dir, "pgseed.config.json");
        await File.WriteAllTextAsync(config, $$"""
            { {{(salt is null ? "" : $"\"salt\": \"{salt}\",")}}
              "seeds": { "shop": {
                "table": "customer", "filter": "where id <= 10", "include": ["tag"], "out": "seeds/shop", "parallel": 1,
                "exclude": ["audit_*"],
                "tables": {
                  "customer": { "transform": { "name": { "mask": "name" } }, "omit": ["email"] },
                  "orders": { "where": { "total": { "gte": 3 } }, "transform": { "note": "upper(note)" } },
                  "tag": { "transform": { "label": { "mask": "fixed", "value": "redacted" } } } } } } }
            """, Ct);
        return (config, Path.Combine(dir, "seeds", "shop"));
    }

    [Fact]
    public async Task The_manifest_records_the_rules_without_salts_and_a_re_export_from_it_is_identical()
    {
        await using var s = await ShopAsync(pg);
        var (config, folder) = await ConfigAsync(s, salt: null);
        Assert.Equal(0, (await Run("export", "--config", config, "-c", s.Source.ConnectionString)).Code);

        var definition = ManifestSerializer.Read(folder).Definition;
        Assert.Equal(["audit_*"], definition.ExcludedTables);
        var customer = definition.Rules!.Single(r => r.Table == "customer");
        Assert.Equal(new SeedMask { Mask = "name" }, customer.Masks!["name"]);
        Assert.Equal(["email"], customer.Omit);
        var orders = definition.Rules!.Single(r => r.Table == "orders");
        var condition = Assert.Single(orders.Conditions!);
        Assert.Equal(("total", "gte", "3"), (condition.Column, condition.Operator, Assert.Single(condition.Values)));
        Assert.Equal("upper(note)", orders.Transforms!["note"]);
        Assert.Equal("redacted", definition.Rules!.Single(r => r.Table == "tag").Masks!["label"].Value);

        // The manifest alone reproduces the seed.
        var (code, output, error) = await Run("diff", folder, "-c", s.Source.ConnectionString, "--exit-code");
        Assert.True(code == 0, error + output);
        Assert.Contains("identical", output);
    }

    [Fact]
    public async Task Salted_masks_need_the_definition_file_to_be_reproduced()
    {
        await using var s = await ShopAsync(pg);
        var (config, folder) = await ConfigAsync(s, salt: "pepper-1234");
        Assert.Equal(0, (await Run("export", "--config", config, "-c", s.Source.ConnectionString)).Code);
        var manifest = await File.ReadAllTextAsync(Path.Combine(folder, "pgseed.json"), Ct);
        Assert.DoesNotContain("pepper-1234", manifest);
        Assert.Contains("\"salted\": true", manifest);

        var refused = await Run("diff", folder, "-c", s.Source.ConnectionString);
        Assert.Equal(1, refused.Code);
        Assert.Contains("error PGSEED026", refused.Err);
        Assert.Contains("public.customer.name".Replace("public.", ""), refused.Err);

        var (code, output, error) = await Run("diff", folder, "-c", s.Source.ConnectionString, "--config", config, "--exit-code");
        Assert.True(code == 0, error + output);
    }

    [Fact]
    public async Task Manifests_without_rules_stay_as_they_were_and_old_manifests_load()
    {
        await using var s = await ShopAsync(pg);
        var folder = await ExportAsync(s);
        var text = await File.ReadAllTextAsync(Path.Combine(folder, "pgseed.json"), Ct);
        foreach (var property in new[] { "excludedTables", "nullExcludedReferences", "virtualForeignKeys", "rules" })
            Assert.DoesNotContain(property, text);

        // A manifest written before the rules were recorded (no such properties) reads and re-exports.
        var definition = ManifestSerializer.Read(folder).Definition;
        Assert.Null(definition.Rules);
        var request = RecordedDefinition.ToExportRequest(definition, s.Source.ConnectionString, s.NewFolder());
        Assert.Equal(["customer", "tag"], request.Roots.Select(r => r.Table.Replace("public.", "")));
        Assert.Equal("where id <= 10", request.Roots[0].Filter);
    }
}
