using PgSeed.Engine.Diff;
using PgSeed.Engine.Tests.Infrastructure;
using static PgSeed.Engine.Tests.Infrastructure.CliRunner;
using static PgSeed.Engine.Tests.OverTime.OverTimeKit;

namespace PgSeed.Engine.Tests.OverTime;

public class CheckTests(PostgresFixture pg)
{
    [Fact]
    public async Task A_fresh_seed_checks_clean_and_a_stale_one_exits_three_with_a_line_per_changed_table()
    {
        await using var s = await ShopAsync(pg);
        var folder = s.NewFolder();
        Assert.Equal(0, (await Run(ExportArgs(s, folder))).Code);
        // A README written next to the data (a generated one, say) is not part of the seed's data.
        await File.WriteAllTextAsync(Path.Combine(folder, "README.md"), "# catalog\n", Ct);
        var fingerprint = FolderFingerprint(folder);

        var fresh = await Run([.. ExportArgs(s, folder), "--check"]);
        Assert.True(fresh.Code == 0, fresh.Err + fresh.Out);
        Assert.Contains("up to date", fresh.Out);

        await s.Source.ExecuteAsync("update customer set email = null where id = 4; insert into orders (customer_id, total) values (1, 5)");
        var stale = await Run([.. ExportArgs(s, folder), "--check"]);
        Assert.True(stale.Code == 3, stale.Err + stale.Out);
        Assert.Contains("would change (PGSEED024)", stale.Out);
        Assert.Contains("  public.customer: 10 → 10 rows, ~1 (email)", stale.Out);
        Assert.Contains("  public.orders: 30 → 31 rows, +1", stale.Out);
        Assert.DoesNotContain("public.country", stale.Out);
        Assert.DoesNotContain("Exported ", stale.Out); // the temporary export is not what the user asked about

        Assert.Equal(fingerprint, FolderFingerprint(folder));
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(folder)!, $".{Path.GetFileName(folder)}.pgseed-*"));
    }

    [Fact]
    public async Task A_check_whose_export_fails_is_an_error_and_the_folder_is_left_alone()
    {
        await using var s = await ShopAsync(pg);
        var folder = await ExportAsync(s);
        var fingerprint = FolderFingerprint(folder);

        var (code, output, error) = await Run("export", "-c", s.Source.ConnectionString, "-t", "customer", "-f", "where nope <= 10", "-o", folder, "--check");
        Assert.Equal(1, code);
        Assert.Contains("error PGSEED013", error);
        Assert.DoesNotContain("up to date", output);
        Assert.Equal(fingerprint, FolderFingerprint(folder));

        Assert.Equal(2, (await Run("export", "-c", s.Source.ConnectionString, "-t", "customer", "-o", folder, "--check", "--dry-run")).Code);
    }

    [Fact]
    public async Task A_missing_or_hand_edited_seed_is_stale()
    {
        await using var s = await ShopAsync(pg);
        var missing = s.NewFolder();
        var none = await SeedCheck.CheckAsync(Request(s, missing), cancellationToken: Ct);
        Assert.False(none.UpToDate);
        Assert.Contains("has no seed yet: the export would write 4 tables", Assert.Single(none.Changes));
        Assert.False(Directory.Exists(missing));

        var folder = await ExportAsync(s);
        var csv = Path.Combine(folder, "public.country.csv");
        await File.WriteAllTextAsync(csv, (await File.ReadAllTextAsync(csv, Ct)).Replace("Germany", "Deutschland"), Ct);
        var edited = await SeedCheck.CheckAsync(Request(s, folder), cancellationToken: Ct);
        Assert.False(edited.UpToDate);
        Assert.StartsWith("PGSEED033", Assert.Single(edited.Changes));
        Assert.Contains("Deutschland", await File.ReadAllTextAsync(csv, Ct));
    }

    [Fact]
    public async Task A_definition_file_checks_every_seed_it_names()
    {
        await using var s = await ShopAsync(pg);
        var dir = s.NewFolder();
        Directory.CreateDirectory(dir);
        var config = Path.Combine(dir, "pgseed.config.json");
        await File.WriteAllTextAsync(config, """
            { "seeds": {
                "customers": { "table": "customer", "filter": "where id <= 10", "include": ["tag"], "out": "seeds/customers", "parallel": 1,
                               "tables": { "customer": { "transform": { "name": { "mask": "name" } }, "omit": ["email"] } } },
                "countries": { "table": "country", "out": "seeds/countries", "parallel": 1 } } }
            """, Ct);
        Assert.Equal(0, (await Run("export", "--config", config, "-c", s.Source.ConnectionString)).Code);
        Assert.Equal(0, (await Run("export", "--config", config, "-c", s.Source.ConnectionString, "--check")).Code);

        await s.Source.ExecuteAsync("insert into country values ('IT', 'Italy')");
        var (code, output, error) = await Run("export", "--config", config, "-c", s.Source.ConnectionString, "--check");
        Assert.True(code == 3, error + output);
        Assert.Contains("seeds/countries: would change", output);
        Assert.Contains("seeds/customers: up to date", output);
    }
}
