using Npgsql;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Seed;
using PgSeed.Engine.Tests.Infrastructure;
using PgSeed.Engine.Upgrade;
using static PgSeed.Engine.Tests.Infrastructure.CliRunner;
using static PgSeed.Engine.Tests.OverTime.OverTimeKit;

namespace PgSeed.Engine.Tests.OverTime;

/// <summary><c>pgseed upgrade</c>: seeds carried across migrations in a throwaway database on the test server.</summary>
public class UpgradeTests(PostgresFixture pg)
{
    private string Server => pg.Server.AdminConnectionString;

    private static string Migrations(ExportScenario s, params (string File, string Sql)[] files)
    {
        var dir = s.NewFolder();
        Directory.CreateDirectory(dir);
        foreach (var (file, sql) in files) File.WriteAllText(Path.Combine(dir, file), sql);
        return dir;
    }

    private static string Csv(string folder, string table) => File.ReadAllText(Path.Combine(folder, $"public.{table}.csv"));

    [Fact]
    public async Task A_rename_migration_keeps_the_data_under_the_new_name_and_the_seed_verifies_against_the_migrated_schema()
    {
        await using var s = await ShopAsync(pg);
        var folder = await ExportAsync(s);
        var definition = ManifestSerializer.Serialize(ManifestSerializer.Read(folder) with { Tables = [], ForeignKeys = [] });
        const string rename = "alter table customer rename column name to full_name;";
        await using var migrated = await pg.CreateDatabaseAsync(Schema + ";\n" + rename);
        Assert.Equal(1, (await Run("verify", folder, "--against", migrated.ConnectionString)).Code);

        var (code, output, error) = await Run("upgrade", folder, "--migrations", Migrations(s, ("001_rename.sql", rename)), "--server", Server);
        Assert.True(code == 0, error + output);
        Assert.Contains("Upgraded ", output);
        Assert.Contains("through 1 migrations", output);

        Assert.StartsWith("id,full_name,email,country_code\n1,Customer 1,", Csv(folder, "customer"));
        Assert.Contains("full_name text NOT NULL", File.ReadAllText(Path.Combine(folder, "schema.sql")));
        // The definition is the seed's own, not the upgrade's whole-table re-export.
        Assert.Equal(definition, ManifestSerializer.Serialize(ManifestSerializer.Read(folder) with { Tables = [], ForeignKeys = [] }));
        Assert.Equal(10, ManifestSerializer.Read(folder).Tables.Single(t => t.Table == "customer").Rows);
        var verified = await Run("verify", folder, "--against", migrated.ConnectionString);
        Assert.True(verified.Code == 0, verified.Err);
        // The throwaway database is gone.
        await using var admin = NpgsqlDataSource.Create(Server);
        await using var left = admin.CreateCommand($"select count(*) from pg_database where datname like 'pgseed_upgrade_{Environment.ProcessId}_%'");
        Assert.Equal(0L, (long)(await left.ExecuteScalarAsync(Ct))!);
    }

    [Fact]
    public async Task Added_columns_get_their_defaults_or_migration_values_and_dropped_columns_leave_in_file_name_order()
    {
        await using var s = await ShopAsync(pg);
        var folder = await ExportAsync(s);
        var migrations = Migrations(s,
            ("V10__tiers.sql", "update customer set tier = 2 where id <= 3;"),
            ("V2__tier_and_status.sql", """
                alter table customer add column tier int not null default 1;
                alter table orders add column status text not null default 'new';
                update orders set status = 'big' where total > 50;
                """),
            ("V3__drop_email.sql", "alter table customer drop column email;"));

        // pg_dump 17.6+ brackets its output with psql-only \restrict lines; the upgrade drops them.
        var schemaSql = Path.Combine(folder, "schema.sql");
        await File.WriteAllTextAsync(schemaSql, "\\restrict Abc123\n" + await File.ReadAllTextAsync(schemaSql, Ct) + "\\unrestrict Abc123\n", Ct);
        await using var scratch = await pg.CreateDatabaseAsync();
        var upgraded = await SeedUpgrader.UpgradeAsync(new UpgradeRequest
        {
            SeedDirectory = folder, ScratchConnectionString = scratch.ConnectionString, MigrationsDirectory = migrations, Parallel = 1,
        }, new RecordingSeedLog(), Ct);
        Assert.Equal(["V2__tier_and_status.sql", "V3__drop_email.sql", "V10__tiers.sql"], upgraded.Migrations);

        var customers = Csv(folder, "customer");
        Assert.StartsWith("id,name,country_code,tier\n1,Customer 1,FR,2\n2,Customer 2,AT,2\n3,Customer 3,DE,2\n4,Customer 4,FR,1\n", customers);
        var orders = Csv(folder, "orders").Split('\n');
        Assert.Equal("id,customer_id,total,note,status", orders[0]);
        Assert.Contains("40,1,60.00,,big", orders);
        Assert.Contains("1,2,1.50,note 1,new", orders);
        Assert.Equal(30, orders.Length - 2);
        Assert.True((await SeedVerifier.VerifyAsync(folder, Ct)).Ok);
    }

    [Fact]
    public async Task Migration_scripts_may_hold_functions_quoted_semicolons_comments_and_concurrent_indexes()
    {
        await using var s = await ShopAsync(pg);
        var folder = await ExportAsync(s);
        var migrations = Migrations(s, ("1.sql", """
            -- a comment; with a semicolon
            /* a block; /* nested; */ still comment; */
            create function shout(t text) returns text language plpgsql as $fn$ begin return upper(t) || ';'; end $fn$;
            create function grade(n numeric) returns text language sql
              begin atomic select case when n > 50 then 'big' else 'small' end; end;
            insert into tag values (E'semi\';colon'), ('it''s; fine'), (shout('x')), (grade(60));
            create index concurrently orders_total_idx on orders (total)
            """));

        var (code, output, error) = await Run("upgrade", folder, "--migrations", migrations, "--server", Server);
        Assert.True(code == 0, error + output);
        var tags = Csv(folder, "tag").Split('\n');
        Assert.Contains("semi';colon", tags);
        Assert.Contains("it's; fine", tags);
        Assert.Contains("X;", tags);
        Assert.Contains("big", tags);
        Assert.Contains("CREATE INDEX orders_total_idx", File.ReadAllText(Path.Combine(folder, "schema.sql")));
    }

    [Fact]
    public async Task Without_a_server_the_upgrade_starts_its_own_throwaway_cluster()
    {
        if (Environment.GetEnvironmentVariable(PgSeed.Testing.Servers.TestServers.ConnectionVariable) is { Length: > 0 })
            Assert.Skip("PGSEED_TEST_CONNECTION is set: the upgrade would use that server, which the other tests cover.");
        await using var s = await ShopAsync(pg);
        var folder = await ExportAsync(s);
        var (code, output, error) = await Run("upgrade", folder, "--migrations", Migrations(s, ("1.sql", "alter table country rename column name to label;")));
        Assert.True(code == 0, error + output);
        Assert.StartsWith("code,label\n", Csv(folder, "country"));
    }

    [Fact]
    public async Task A_migration_failing_half_way_names_file_and_line_and_leaves_the_folder_alone()
    {
        await using var s = await ShopAsync(pg);
        var folder = await ExportAsync(s);
        var fingerprint = FolderFingerprint(folder);
        var migrations = Migrations(s,
            ("001_ok.sql", "alter table customer add column vip boolean not null default false;"),
            ("002_bad.sql", "update customer set vip = true where id = 1;\n\nalter table customer\n  add column oops nosuchtype;\n"));

        var (code, output, error) = await Run("upgrade", folder, "--migrations", migrations, "--server", Server);
        Assert.Equal(1, code);
        Assert.Contains("error PGSEED055: Migration 002_bad.sql failed at line 4", error);
        Assert.Contains("nosuchtype", error);
        Assert.Contains("The seed folder was not changed", error);
        Assert.DoesNotContain("Upgraded", output);
        Assert.Equal(fingerprint, FolderFingerprint(folder));
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(folder)!, $".{Path.GetFileName(folder)}.pgseed-*"));
    }

    [Fact]
    public async Task A_migrate_command_gets_the_connection_and_its_output_never_shows_the_password()
    {
        await using var s = await ShopAsync(pg);
        var folder = await ExportAsync(s);
        // The test server trusts local connections, so the password is ignored by the server but still handed to the command.
        var server = new NpgsqlConnectionStringBuilder(Server) { Password = "hunter2-secret" }.ConnectionString;

        var ok = await Run("upgrade", folder, "--server", server, "-v", "--migrate-command",
            "test \"$PGPASSWORD\" = hunter2-secret && psql -X -q -v ON_ERROR_STOP=1 -c 'alter table orders rename column note to remark' && echo applied to {connection}");
        Assert.True(ok.Code == 0, ok.Err + ok.Out);
        Assert.Contains("applied to Host=", ok.Out);
        Assert.DoesNotContain("hunter2-secret", ok.Out + ok.Err);
        Assert.StartsWith("id,customer_id,total,remark\n", Csv(folder, "orders"));

        var fingerprint = FolderFingerprint(folder);
        var failed = await Run("upgrade", folder, "--server", server, "--migrate-command", "echo connecting with {connection}; exit 3");
        Assert.Equal(1, failed.Code);
        Assert.Contains("error PGSEED055: The migrate command exited with code 3", failed.Err);
        Assert.Contains("connecting with Host=", failed.Err);
        Assert.DoesNotContain("hunter2-secret", failed.Out + failed.Err);
        Assert.Equal(fingerprint, FolderFingerprint(folder));

        // The shell's own command line holds a reference to the variable, never the password (the process list is public).
        var argv = await Run("upgrade", folder, "--server", server, "--migrate-command", "cat /proc/$$/cmdline | tr '\\0' ' '; exit 3 # {connection}");
        Assert.Contains("$PGSEED_CONNECTION", argv.Err);
        Assert.DoesNotContain("hunter2", argv.Err);
    }

    [Fact]
    public async Task Masked_values_are_carried_over_unchanged_and_omitted_columns_stay_omitted()
    {
        await using var s = await ShopAsync(pg);
        var dir = s.NewFolder();
        Directory.CreateDirectory(dir);
        var config = Path.Combine(dir, "pgseed.config.json");
        await File.WriteAllTextAsync(config, """
            { "salt": "pepper-1234", "seeds": { "shop": {
                "table": "customer", "filter": "where id <= 10", "out": "shop", "parallel": 1,
                "tables": { "customer": { "transform": { "name": { "mask": "name" } }, "omit": ["email"] },
                            "orders": { "transform": { "note": "upper(note)" } } } } } }
            """, Ct);
        Assert.Equal(0, (await Run("export", "--config", config, "-c", s.Source.ConnectionString)).Code);
        var folder = Path.Combine(dir, "shop");
        var names = Csv(folder, "customer");
        var before = ManifestSerializer.Read(folder);

        var (code, output, error) = await Run("upgrade", folder, "--server", Server,
            "--migrations", Migrations(s, ("1.sql", "alter table orders add column status text not null default 'new';")));
        Assert.True(code == 0, error + output);

        Assert.Equal(names, Csv(folder, "customer")); // masked once at export, never again (and never unmasked)
        Assert.DoesNotContain("email", Csv(folder, "customer").Split('\n')[0]);
        Assert.Contains("1,2,1.50,NOTE 1,new", Csv(folder, "orders")); // upper() applied once
        var after = ManifestSerializer.Read(folder);
        Assert.Equal(ManifestSerializer.Serialize(before with { Tables = [] }), ManifestSerializer.Serialize(after with { Tables = [] }));
    }

    [Fact]
    public async Task Seeds_without_schema_sql_or_from_a_newer_format_are_refused_before_anything_runs()
    {
        await using var s = await ShopAsync(pg);
        var folder = await ExportAsync(s);
        var migrations = Migrations(s, ("1.sql", "select 1;"));
        File.Delete(Path.Combine(folder, "schema.sql"));
        var noSchema = await Run("upgrade", folder, "--migrations", migrations, "--server", Server);
        Assert.Equal(1, noSchema.Code);
        Assert.Contains("error PGSEED039", noSchema.Err);

        var manifest = Path.Combine(folder, "pgseed.json");
        await File.WriteAllTextAsync(manifest, (await File.ReadAllTextAsync(manifest, Ct)).Replace("\"formatVersion\": 1", "\"formatVersion\": 7"), Ct);
        var newer = await Run("upgrade", folder, "--migrations", migrations, "--server", Server);
        Assert.Equal(1, newer.Code);
        Assert.Contains("error PGSEED036", newer.Err);

        Assert.Equal(2, (await Run("upgrade", folder)).Code);
        var unreachable = await Run("upgrade", folder, "--migrations", migrations, "--server", "Host=127.0.0.1;Port=1;Username=u;Password=hunter2-secret;Timeout=2");
        Assert.Equal(1, unreachable.Code);
        Assert.Contains("error PGSEED003", unreachable.Err);
        Assert.DoesNotContain("hunter2-secret", unreachable.Out + unreachable.Err);
        Assert.Equal(2, (await Run("upgrade", folder, "--migrations", migrations, "--migrate-command", "true")).Code);
    }
}
