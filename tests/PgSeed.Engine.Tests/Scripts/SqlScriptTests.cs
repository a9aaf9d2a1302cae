using Npgsql;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Sql;
using PgSeed.Engine.Tests.Infrastructure;

namespace PgSeed.Engine.Tests.Scripts;

public class SqlScriptTests(PostgresFixture pg)
{
    private static async Task RunAsync(TestDatabase db, string script)
    {
        await using var c = new NpgsqlConnection(db.ConnectionString);
        await c.OpenAsync(TestContext.Current.CancellationToken);
        await SqlScript.RunAsync(c, new StringReader(script), "script.sql", TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Runs_pg_dump_style_scripts_with_copy_data_and_atomic_bodies()
    {
        await using var db = await pg.CreateDatabaseAsync();
        await RunAsync(db, """
            \restrict k1
            CREATE TABLE t (id int PRIMARY KEY, note text);
            CREATE FUNCTION n() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM t; END;
            COPY t (id, note) FROM stdin;
            1	a;b
            2	line\nbreak
            3	\N
            \.
            \unrestrict k1
            """);
        Assert.Equal(3L, await db.ScalarAsync<long>("select n()"));
        Assert.Equal("line\nbreak", await db.ScalarAsync<string>("select note from t where id = 2"));
    }

    [Fact]
    public async Task A_failing_statement_is_reported_with_its_line_and_code()
    {
        await using var db = await pg.CreateDatabaseAsync();
        // The server reports no position for a missing FK target: the statement's first line.
        var e = await Assert.ThrowsAsync<PgSeedException>(() => RunAsync(db, "create table a (id int);\n\ncreate table b (\n  id int references nowhere (id)\n);\n"));
        Assert.Equal(ErrorCode.SchemaScriptFailed, e.Code);
        Assert.Equal(3, e.Line);
        Assert.Contains("script.sql line 3", e.Message);
        Assert.Contains("nowhere", e.Message);

        // With a position: the line holding it, even deep in a batch.
        var script = string.Concat(Enumerable.Range(1, 300).Select(i => $"create table t{i} (id int);\n")) + "select\n  1,\n  nosuchcol\nfrom t1;\n";
        e = await Assert.ThrowsAsync<PgSeedException>(() => RunAsync(db, script));
        Assert.Equal(303, e.Line);
        Assert.Contains("nosuchcol", e.Message);
    }

    [Fact]
    public async Task A_bad_copy_row_is_reported_with_its_script_line()
    {
        await using var db = await pg.CreateDatabaseAsync();
        var e = await Assert.ThrowsAsync<PgSeedException>(() => RunAsync(db, "create table t (id int);\ncopy t (id) from stdin;\n1\n2\nx\n\\.\n"));
        Assert.Equal(ErrorCode.SchemaScriptFailed, e.Code);
        Assert.Equal(5, e.Line);
        Assert.Equal(0L, await db.ScalarAsync<long>("select count(*) from t"));
    }

    [Fact]
    public async Task Other_psql_commands_are_refused_with_their_line()
    {
        await using var db = await pg.CreateDatabaseAsync();
        var e = await Assert.ThrowsAsync<PgSeedException>(() => RunAsync(db, "create table t (id int);\n\\connect other\ncreate table u (id int);"));
        Assert.Equal(ErrorCode.ScriptCommandUnsupported, e.Code);
        Assert.Equal(2, e.Line);
        Assert.Contains("\\connect", e.Message);
        Assert.Equal(0L, await db.ScalarAsync<long>("select count(*) from pg_class where relname = 'u'"));
    }
}
