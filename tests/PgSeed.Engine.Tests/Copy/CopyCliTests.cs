using PgSeed.Engine.Tests.Infrastructure;
using static PgSeed.Engine.Tests.Infrastructure.CliRunner;

namespace PgSeed.Engine.Tests.Copy;

/// <summary><c>pgseed copy</c> on the command line: whole tables by pattern, seed definitions with masks, a read-only source.</summary>
public sealed class CopyCliTests(PostgresFixture pg) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pgseed-copy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string SalesSchema = """
        create table country(code text primary key, name text);
        create schema sales;
        create table sales.customer(id int primary key, name text not null, email text, country_code text references country);
        create table sales."order"(id int primary key, customer_id int not null references sales.customer, total int);
        create table sales.archive(id int primary key, payload text);
        create table other(id int primary key, customer_id int references sales.customer);
        """;

    private const string SalesData = """
        insert into country values ('DE', 'Germany'), ('FR', 'France');
        insert into sales.customer select g, 'c' || g, 'c' || g || '@mail.example', case when g % 2 = 0 then 'DE' else 'FR' end from generate_series(1, 20) g;
        insert into sales."order" select g, 1 + g % 20, g from generate_series(1, 50) g;
        insert into sales.archive select g, 'old' from generate_series(1, 5) g;
        insert into other values (1, 1);
        """;

    [Fact]
    public async Task Whole_tables_by_pattern_with_an_excluded_table_and_references_kept_for_the_target()
    {
        await using var source = await pg.CreateDatabaseAsync(SalesSchema + SalesData);
        await using var target = await pg.CreateDatabaseAsync(SalesSchema + "insert into country values ('DE', 'Deutschland'), ('FR', 'France');");

        var result = await Run("copy", "--from", source.ConnectionString, "--to", target.ConnectionString, "--table", "sales.*",
            "--exclude-table", "sales.archive", "--exclude-table", "country", "--children", "none", "-q");

        Assert.True(result.Code == 0, result.Out + result.Err);
        Assert.Equal(20L, await target.ScalarAsync<long>("select count(*) from sales.customer"));
        Assert.Equal(50L, await target.ScalarAsync<long>("select count(*) from sales.\"order\""));
        Assert.Equal(0L, await target.ScalarAsync<long>("select count(*) from sales.archive"));
        Assert.Equal(0L, await target.ScalarAsync<long>("select count(*) from other"));
        Assert.Equal("Deutschland", await target.ScalarAsync<string>("select name from country where code = 'DE'")); // not copied: excluded
        Assert.Contains("Copied 70 rows in 2 tables", result.Out);
    }

    [Fact]
    public async Task A_seed_definition_copies_its_selection_with_masks_applied_from_a_read_only_role()
    {
        await using var role = await TestRole.CreateAsync(pg.Server);
        await using var source = await pg.CreateDatabaseAsync(SalesSchema + SalesData);
        await using var target = await pg.CreateDatabaseAsync(SalesSchema);
        await source.ExecuteAsync($"""
            revoke temporary on database "{source.Name}" from public;
            grant usage on schema sales to "{role.Name}";
            grant select on all tables in schema sales, public to "{role.Name}";
            """);
        var config = Path.Combine(_dir, "pgseed.config.json");
        await File.WriteAllTextAsync(config, """
            {
              "seeds": {
                "de": {
                  "out": "seeds/de",
                  "table": "sales.customer",
                  "filter": "where country_code = 'DE'",
                  "tables": { "sales.customer": { "transform": { "email": { "mask": "email" } } } }
                }
              }
            }
            """, TestContext.Current.CancellationToken);

        var result = await Run("copy", "--config", config, "--from", role.ConnectionStringFor(source), "--to", target.ConnectionString, "-v");

        Assert.True(result.Code == 0, result.Out + result.Err);
        Assert.Contains("closure: client (role ", result.Out);
        Assert.Equal(10L, await target.ScalarAsync<long>("select count(*) from sales.customer"));
        Assert.Equal(0L, await target.ScalarAsync<long>("select count(*) from sales.customer where email like '%@mail.example'"));
        Assert.Equal(25L, await target.ScalarAsync<long>("select count(*) from sales.\"order\""));
        Assert.Equal(1L, await target.ScalarAsync<long>("select count(*) from country"));
    }

    [Fact]
    public async Task Usage_errors_and_the_same_database_are_one_coded_line()
    {
        await using var db = await pg.CreateDatabaseAsync(SalesSchema + SalesData);

        var both = await Run("copy", "--from", db.ConnectionString, "--to", db.ConnectionString, "-t", "country", "--truncate", "--upsert");
        Assert.Equal(2, both.Code);

        var same = await Run("copy", "--from", db.ConnectionString, "--to", db.ConnectionString, "-t", "country");
        Assert.Equal(1, same.Code);
        Assert.StartsWith("error PGSEED056: ", same.Err);
        Assert.DoesNotContain("Password", same.Err, StringComparison.OrdinalIgnoreCase);
        // The engine names CopyRequest.Source / CopyRequest.Target; the CLI user reads the flags they typed.
        Assert.Contains("--from (", same.Err);
        Assert.Contains("Point --to at another database", same.Err);
        Assert.DoesNotContain("CopyRequest", same.Err);
    }
}
