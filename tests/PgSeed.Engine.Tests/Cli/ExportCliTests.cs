using Npgsql;
using PgSeed.Engine.Tests.Infrastructure;
using static PgSeed.Engine.Tests.Infrastructure.CliRunner;

namespace PgSeed.Engine.Tests.Cli;

public class ExportCliTests(PostgresFixture pg)
{
    [Fact]
    public async Task Export_prints_a_tree_and_exits_zero()
    {
        await using var s = await ExportScenario.CreateAsync(pg, IntegritySchemas.CompanySchema, IntegritySchemas.CompanyData);
        var folder = s.NewFolder();
        var (code, output, error) = await Run("export", "--connection", s.Source.ConnectionString, "--table", "company",
            "--filter", "where id = 1", "--include", "country:where code = 'FR'", "--parallel", "1", "--out", folder);
        Assert.True(code == 0, error);
        Assert.Contains("public.company (", output);
        Assert.Contains("└── ", output);
        Assert.Contains("Exported ", output);
        Assert.True(File.Exists(Path.Combine(folder, "public.country.csv")));
        Assert.Equal(0, (await Run("verify", folder)).Code);
        await s.AssertSchemaSqlSufficesAsync(folder);
    }

    [Fact]
    public async Task Usage_errors_exit_two_and_failures_exit_one_without_secrets()
    {
        Assert.Equal(2, (await Run("export", "--table", "t")).Code); // --out missing
        Assert.Equal(2, (await Run("export", "-t", "t", "-o", "x", "--children", "some")).Code);
        Assert.Equal(2, (await Run("frobnicate")).Code);

        await using var s = await ExportScenario.CreateAsync(pg, "create table t(id int primary key)", "insert into t values (1)");
        var withPassword = new NpgsqlConnectionStringBuilder(s.Source.ConnectionString) { Password = "hunter2-secret" }.ConnectionString;
        var (code, output, error) = await Run("export", "-c", withPassword, "-t", "t", "-f", "where nope", "-o", s.NewFolder());
        Assert.Equal(1, code);
        Assert.Contains("PGSEED013", error);
        Assert.DoesNotContain("hunter2-secret", output + error);

        var both = await Run("export", "-c", withPassword, "-t", "t", "-f", "where true", "--raw", "select * from t", "-o", s.NewFolder());
        Assert.Equal(2, both.Code);
        Assert.Contains("PGSEED012", both.Err);

        var unreachable = await Run("export", "-c", "Host=127.0.0.1;Port=1;Username=u;Password=hunter2-secret;Timeout=2", "-t", "t", "-o", s.NewFolder());
        Assert.Equal(1, unreachable.Code);
        Assert.Contains("PGSEED003", unreachable.Err);
        Assert.DoesNotContain("hunter2-secret", unreachable.Out + unreachable.Err);
    }

    [Fact]
    public async Task Dry_run_prints_sql_and_writes_nothing()
    {
        await using var s = await ExportScenario.CreateAsync(pg, IntegritySchemas.CompanySchema, IntegritySchemas.CompanyData);
        var folder = s.NewFolder();
        var (code, output, _) = await Run("export", "-c", s.Source.ConnectionString, "-t", "company", "-f", "where id = 1", "-o", folder, "--dry-run");
        Assert.Equal(0, code);
        Assert.Contains("COPY (SELECT", output);
        Assert.Contains("Dry run", output);
        Assert.False(Directory.Exists(folder));
    }

    [Theory]
    [InlineData("country", "country", null)]
    [InlineData("country:where code = 'DE'", "country", "where code = 'DE'")]
    [InlineData("\"we:ird\":where x::int > 1", "\"we:ird\"", "where x::int > 1")]
    public void Include_specs_split_at_the_first_unquoted_colon(string spec, string table, string? filter)
    {
        var root = PgSeed.Engine.Export.RootSelection.Parse(spec);
        Assert.Equal((table, filter), (root.Table, root.Filter));
    }
}
