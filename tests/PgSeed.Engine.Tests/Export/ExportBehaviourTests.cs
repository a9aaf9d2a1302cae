using Npgsql;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Seed;
using PgSeed.Engine.Tests.Infrastructure;

namespace PgSeed.Engine.Tests.Export;

public class ExportBehaviourTests(PostgresFixture pg)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string> ReadFolder(string folder) =>
        Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), File.ReadAllText);

    [Fact]
    public async Task Re_exporting_unchanged_data_is_byte_identical_whatever_the_parallelism()
    {
        await using var s = await ExportScenario.CreateAsync(pg, IntegritySchemas.CompanySchema, IntegritySchemas.CompanyData);
        var first = s.Request(new RootSelection { Table = "company", Filter = "where id in (1, 5)" }) with { Parallel = 1 };
        await s.ExportAsync(first);
        var a = ReadFolder(first.OutputDirectory);
        await s.ExportAsync(first with { Parallel = 3 });
        var b = ReadFolder(first.OutputDirectory);
        var other = first with { OutputDirectory = s.NewFolder(), Parallel = 2 };
        await s.ExportAsync(other);
        var c = ReadFolder(other.OutputDirectory);
        Assert.Equal(a, b);
        // Another folder: the same data files (its README names that folder and the command writing it).
        Assert.Equal(a.Where(f => f.Key != "README.md").ToDictionary(), c.Where(f => f.Key != "README.md").ToDictionary());
        // No clock in the seed: no file carries a date or a time of day, in any year or format PgSeed could write.
        foreach (var text in a.Values)
            Assert.DoesNotMatch(DateOrTime, text);
    }

    /// <summary>An ISO 8601 / RFC 3339 date (2031-12-24, 2031/12/24) or a time of day (23:59, 23:59:59).</summary>
    private static readonly System.Text.RegularExpressions.Regex DateOrTime =
        new(@"\b\d{4}[-/]\d{2}[-/]\d{2}\b|\b\d{2}:\d{2}(:\d{2})?\b", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    [Fact]
    public async Task Export_under_concurrent_writes_reads_one_snapshot()
    {
        await using var s = await ExportScenario.CreateAsync(pg, """
            create table parent(id bigint primary key, created int not null);
            create table child(id bigint primary key, parent_id bigint not null references parent on delete cascade, v text);
            create table grandchild(id bigint primary key, child_id bigint not null references child on delete cascade);
            """, """
            insert into parent select g, g from generate_series(1, 3000) g;
            insert into child select g, g, 'v' from generate_series(1, 3000) g;
            insert into grandchild select g, g from generate_series(1, 3000) g;
            """);
        using var stop = new CancellationTokenSource();
        var writes = 0;
        var writer = Task.Run(async () =>
        {
            await using var c = new NpgsqlConnection(s.Source.ConnectionString);
            await c.OpenAsync();
            var id = 100_000L;
            while (!stop.IsCancellationRequested)
            {
                id++;
                // Each transaction adds a complete family and removes an old one: at every instant the data is consistent.
                await using var cmd = new NpgsqlCommand($"""
                    begin;
                    insert into parent values ({id}, 0); insert into child values ({id}, {id}, 'n'); insert into grandchild values ({id}, {id});
                    delete from parent where id = (select min(id) from parent);
                    commit;
                    """, c);
                await cmd.ExecuteNonQueryAsync();
                writes++;
            }
        }, TestContext.Current.CancellationToken);
        try
        {
            for (var i = 0; i < 3; i++)
            {
                // Filter picks recent parents too, so rows being written are in play.
                // Both closures read one snapshot: the client one's keys and the workers' copies too.
                var request = s.Request(new RootSelection { Table = "parent", Filter = "where id % 7 = 0 or id > 100000" }) with
                    { Parallel = 2, Closure = i == 1 ? ClosureMode.Client : ClosureMode.Server };
                await s.ExportAsync(request);
                await using var copy = await pg.CreateDatabaseAsync("""
                    create table parent(id bigint primary key, created int not null);
                    create table child(id bigint primary key, parent_id bigint not null references parent on delete cascade, v text);
                    create table grandchild(id bigint primary key, child_id bigint not null references child on delete cascade);
                    """);
                await SeedLoader.LoadWithForeignKeysCheckedAsync(copy.ConnectionString, request.OutputDirectory);
                // One snapshot: every exported parent has exactly its child and grandchild.
                Assert.Equal(await copy.ScalarAsync<long>("select count(*) from parent"), await copy.ScalarAsync<long>("select count(*) from grandchild"));
            }
        }
        finally
        {
            stop.Cancel();
            await writer;
        }
        Assert.True(writes > 0);
    }

    [Theory]
    [InlineData("where true; delete from child", null)]
    [InlineData(null, "with d as (delete from child returning parent_id as id) select id from d")]
    [InlineData("where pgseed_test_writer()", null)]
    [InlineData(null, "select id from parent for update")]
    public async Task Filters_cannot_write(string? filter, string? raw)
    {
        await using var s = await ExportScenario.CreateAsync(pg, """
            create table parent(id int primary key);
            create table child(id int primary key, parent_id int references parent);
            create function pgseed_test_writer() returns boolean language sql as 'delete from child; select true';
            """, "insert into parent values (1), (2); insert into child values (1, 1), (2, 2);");
        var folder = s.NewFolder();
        var error = await Assert.ThrowsAsync<PgSeedException>(() => s.ExportAsync(new ExportRequest
        {
            ConnectionString = s.Source.ConnectionString,
            Roots = [new RootSelection { Table = "parent", Filter = filter, Raw = raw }],
            OutputDirectory = folder,
        }));
        Assert.Contains(error.Code, new[] { ErrorCode.FilterWrites, ErrorCode.BadFilter });
        Assert.Equal(2L, await s.Source.ScalarAsync<long>("select count(*) from child"));
        Assert.False(Directory.Exists(folder));

        // A dry run only explains the filter, in a read-only transaction: nothing is written either.
        try
        {
            await s.ExportAsync(new ExportRequest
            {
                ConnectionString = s.Source.ConnectionString,
                Roots = [new RootSelection { Table = "parent", Filter = filter, Raw = raw }],
                OutputDirectory = folder,
                DryRun = true,
            });
        }
        catch (PgSeedException e)
        {
            Assert.Contains(e.Code, new[] { ErrorCode.FilterWrites, ErrorCode.BadFilter });
        }
        Assert.Equal(2L, await s.Source.ScalarAsync<long>("select count(*) from child"));
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task Filter_and_raw_are_exclusive_and_errors_point_into_the_filter()
    {
        await using var s = await ExportScenario.CreateAsync(pg, "create table t(id int primary key)", "insert into t values (1)");
        var both = await Assert.ThrowsAsync<PgSeedException>(() => s.ExportAsync(s.Request(new RootSelection { Table = "t", Filter = "where true", Raw = "select * from t" })));
        Assert.Equal(ErrorCode.FilterAndRaw, both.Code);
        var bad = await Assert.ThrowsAsync<PgSeedException>(() => s.ExportAsync(s.Request(new RootSelection { Table = "t", Filter = "where idd = 1" })));
        Assert.Equal(ErrorCode.BadFilter, bad.Code);
        Assert.Equal(7, bad.Position);
        Assert.Contains("idd", bad.Message);
        var missing = await Assert.ThrowsAsync<PgSeedException>(() => s.ExportAsync(s.Request(new RootSelection { Table = "nope" })));
        Assert.Equal(ErrorCode.TableNotFound, missing.Code);
        var edge = await Assert.ThrowsAsync<PgSeedException>(() => s.ExportAsync(s.Request(new RootSelection { Table = "t" }) with { ExcludedEdges = ["t.no_such_fk"] }));
        Assert.Equal(ErrorCode.UnknownForeignKey, edge.Code);
    }

    [Fact]
    public async Task A_failed_export_leaves_the_previous_seed_untouched_and_stale_files_go()
    {
        await using var s = await ExportScenario.CreateAsync(pg, IntegritySchemas.CompanySchema, IntegritySchemas.CompanyData);
        var request = s.Request(new RootSelection { Table = "company", Filter = "where id = 1" });
        await s.ExportAsync(request);
        File.WriteAllText(Path.Combine(request.OutputDirectory, "README.md"), "keep me");
        var before = ReadFolder(request.OutputDirectory);

        await Assert.ThrowsAsync<PgSeedException>(() => s.ExportAsync(request with { Roots = [new RootSelection { Table = "company", Filter = "where nonsense" }] }));
        Assert.Equal(before, ReadFolder(request.OutputDirectory));
        var parent = Path.GetDirectoryName(request.OutputDirectory)!;
        Assert.Empty(Directory.GetDirectories(parent, $".{Path.GetFileName(request.OutputDirectory)}.pgseed-tmp*"));

        // A smaller seed into the same folder: CSVs of tables no longer exported disappear, other files stay.
        await s.ExportAsync(request with { Roots = [new RootSelection { Table = "country" }] });
        var after = ReadFolder(request.OutputDirectory);
        Assert.Equal(new[] { "README.md", "pgseed.json", "public.country.csv", "schema.sql" }, after.Keys.Order(StringComparer.Ordinal).ToArray());
        Assert.Equal("keep me", after["README.md"]);
    }

    [Fact]
    public async Task Refuses_to_replace_a_folder_that_is_not_a_seed()
    {
        await using var s = await ExportScenario.CreateAsync(pg, "create table t(id int primary key)", "insert into t values (1)");
        var folder = s.NewFolder();
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "precious.txt"), "x");
        var e = await Assert.ThrowsAsync<PgSeedException>(() => s.ExportAsync(s.Request(new RootSelection { Table = "t" }) with { OutputDirectory = folder }));
        Assert.Equal(ErrorCode.OutputFolder, e.Code);
        Assert.True(File.Exists(Path.Combine(folder, "precious.txt")));
    }

    [Fact]
    public async Task Cancellation_stops_the_export_and_keeps_the_previous_seed()
    {
        await using var s = await ExportScenario.CreateAsync(pg, "create table t(id int primary key, v text)",
            "insert into t select g, repeat('x', 200) from generate_series(1, 300000) g");
        var request = s.Request(new RootSelection { Table = "t", Filter = "where id < 10" });
        await s.ExportAsync(request);
        var before = ReadFolder(request.OutputDirectory);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));
        var slow = request with { Roots = [new RootSelection { Table = "t", Filter = "where pg_sleep(0.00005) is not null" }] };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => SeedExporter.ExportAsync(slow, null, cts.Token));
        Assert.Equal(before, ReadFolder(request.OutputDirectory));
        // The server stopped working on it too (polled: the cancel request reaches the backend asynchronously).
        var clock = System.Diagnostics.Stopwatch.StartNew();
        const string stillRunning = "select count(*) from pg_stat_activity where query like '%pg_sleep(0.00005)%' and state = 'active' and pid <> pg_backend_pid()";
        while (await s.Source.ScalarAsync<long>(stillRunning) > 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "the export's statement was still running on the server 5 s after the cancellation");
            await Task.Delay(20, Ct);
        }
    }

    [Fact]
    public async Task With_parallel_connections_the_first_failure_stops_the_others()
    {
        await using var s = await ExportScenario.CreateAsync(pg, """
            create table big(id int primary key, v text);
            create table bad(id int primary key, v text);
            create function slow(t text) returns text language sql volatile as $$ select pg_sleep(0.05); select t $$;
            """, "insert into big select g, 'x' from generate_series(1, 200) g; insert into bad values (1, 'y');");
        // big (10 s of transforms) goes to the main connection, bad (fails on its first row) to the worker.
        var request = s.Request(new RootSelection { Table = "big" }, new RootSelection { Table = "bad" }) with
        {
            Parallel = 2,
            Rules =
            [
                new TableRule { Table = "big", Transforms = new Dictionary<string, string> { ["v"] = "slow(v)" } },
                new TableRule { Table = "bad", Transforms = new Dictionary<string, string> { ["v"] = "(1 / (id - 1))::text" } },
            ],
        };

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<PgSeedException>(() => s.ExportAsync(request));

        Assert.Equal("public.bad", e.Table);
        Assert.Contains("division by zero", e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"the export took {clock.Elapsed}: the other connection copied on after the failure");
        Assert.False(Directory.Exists(request.OutputDirectory));
    }

    [Fact]
    public async Task A_server_side_failure_in_a_closure_round_is_not_blamed_on_the_where_rule()
    {
        await using var s = await ExportScenario.CreateAsync(pg,
            "create table parent(id int primary key); create table child(id int primary key, parent_id int references parent);",
            "insert into parent values (1); insert into child values (1, 1);");
        var request = s.Request(new RootSelection { Table = "parent", Filter = "where id = 1" }) with
        {
            // The role's statement_timeout cancels the child step: the server's limit, not a mistake in the rule.
            ConnectionString = s.Source.ConnectionString + ";Options=-c statement_timeout=300",
            Rules = [new TableRule { Table = "child", Where = "pg_sleep(2) is not null" }],
        };

        var e = await Assert.ThrowsAsync<PgSeedException>(() => SeedExporter.ExportAsync(request, null, Ct));

        Assert.Equal(ErrorCode.DatabaseError, e.Code);
        Assert.Contains("statement_timeout", e.Message);
        Assert.Contains("computing the subset", e.Message);
    }

    [Fact]
    public async Task Dry_run_prints_the_plan_and_sql_and_writes_nothing()
    {
        await using var s = await ExportScenario.CreateAsync(pg, IntegritySchemas.CompanySchema, IntegritySchemas.CompanyData);
        var log = new RecordingSeedLog();
        var request = s.Request(new RootSelection { Table = "company", Filter = "where id = 1" }) with { DryRun = true };
        var report = await SeedExporter.ExportAsync(request, log, Ct);
        Assert.True(report.DryRun);
        Assert.False(Directory.Exists(request.OutputDirectory));
        var sql = string.Join("\n", log.Of("sql"));
        Assert.Contains("CREATE TEMP TABLE", sql);
        Assert.Contains("where id = 1", sql);
        Assert.Contains("COPY (SELECT", sql);
        Assert.Contains(report.Tables, t => t.Table == "public.employee" && t.Reason!.StartsWith("child of"));
    }

    [Fact]
    public async Task Manifest_lists_tables_in_dependency_order_with_checksums_and_fks()
    {
        await using var s = await ExportScenario.CreateAsync(pg, IntegritySchemas.SalesSchema, IntegritySchemas.SalesData);
        var request = s.Request(new RootSelection { Table = "sales.\"Region\"", Filter = "where \"Code\" = 'EU'" });
        await s.ExportAsync(request);
        var manifest = await SeedVerifier.EnsureValidAsync(request.OutputDirectory, Ct);
        var order = manifest.Tables.Select(t => t.Name).ToList();
        Assert.True(order.IndexOf("sales.\"Region\"") < order.IndexOf("sales.\"order\""));
        Assert.True(order.IndexOf("sales.\"order\"") < order.IndexOf("sales.order_line"));
        Assert.Equal(pg.Server.MajorVersion, manifest.SourceServerMajorVersion);
        var line = manifest.Tables.Single(t => t.Name == "sales.order_line");
        Assert.DoesNotContain(line.Columns, c => c.Name == "amount"); // generated
        Assert.Contains(line.Columns, c => c.Name == "id");           // identity keeps its values
        Assert.Equal("sales.Region.csv", manifest.Tables.Single(t => t.Name == "sales.\"Region\"").File);
        Assert.Contains(manifest.ForeignKeys, f => f.Table == "sales.order_line" && f.Columns.SequenceEqual(["region", "order_no"]));
        Assert.Equal(2, manifest.Tables.Single(t => t.Name == "public.note").Rows);
    }
}
