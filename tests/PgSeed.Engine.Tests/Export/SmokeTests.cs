using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Tests.Infrastructure;

namespace PgSeed.Engine.Tests.Export;

public class SmokeTests(PostgresFixture pg, ITestOutputHelper output)
{
    [Fact]
    public async Task Exports_a_small_subset()
    {
        await using var db = await pg.CreateDatabaseAsync("""
            create table country(code text primary key, name text not null);
            create table customer(id int primary key, country_code text not null references country, name text);
            create table orders(id int primary key, customer_id int not null references customer, note text);
            insert into country values ('DE','Germany'),('FR','France');
            insert into customer values (1,'DE','a'),(2,'FR','b');
            insert into orders values (10,1,'x'),(11,1,'y'),(12,2,'z');
            """);
        var dir = Path.Combine(Path.GetTempPath(), "pgseed-test-" + Guid.NewGuid().ToString("N"));
        var log = new RecordingSeedLog();
        foreach (var parallel in new[] { 1, 2 })
        {
            var report = await SeedExporter.ExportAsync(new ExportRequest
            {
                ConnectionString = db.ConnectionString,
                Roots = [new RootSelection { Table = "customer", Filter = "where id = 1" }],
                OutputDirectory = dir,
                Parallel = parallel,
            }, log, TestContext.Current.CancellationToken);
            output.WriteLine(report.Tree);
            Assert.Equal(4L, report.TotalRows);
            await SchemaSqlCheck.AssertSufficesAsync(pg, dir);
        }
        foreach (var l in log.Lines) output.WriteLine($"{l.Level}: {l.Text}");
        await using var copy = await pg.CreateDatabaseAsync("""
            create table country(code text primary key, name text not null);
            create table customer(id int primary key, country_code text not null references country, name text);
            create table orders(id int primary key, customer_id int not null references customer, note text);
            """);
        await SeedLoader.LoadWithForeignKeysCheckedAsync(copy.ConnectionString, dir);
        Assert.Equal(2L, await copy.ScalarAsync<long>("select count(*) from orders"));
        Directory.Delete(dir, true);
    }
}
