using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Tests.Scripts;

public class SqlScriptReaderTests
{
    private static List<ScriptItem> Read(string script)
    {
        var reader = new SqlScriptReader(new StringReader(script));
        var items = new List<ScriptItem>();
        while (reader.Next() is { } item)
        {
            items.Add(item);
            if (item is ScriptCopy) items.AddRange(reader.ReadCopyData().Select(d => (ScriptItem)new ScriptMetaCommand("data", d.Text, d.Line)));
        }
        return items;
    }

    [Fact]
    public void Semicolons_in_quotes_comments_dollar_quotes_and_parentheses_do_not_end_a_statement()
    {
        var items = Read("""
            select 'a;b', "c;d", E'it\'s;', $$x;y$$, $tag$ $$; $tag$; -- one; still one
            /* a; /* nested; */ b; */ select 2;
            create rule r as on insert to t do also (select 1; select 2);
            """);
        Assert.Equal(
            new[] { ("select 'a;b', \"c;d\", E'it\\'s;', $$x;y$$, $tag$ $$; $tag$", 1), ("select 2", 2), ("create rule r as on insert to t do also (select 1; select 2)", 3) },
            items.Cast<ScriptStatement>().Select(s => (s.Sql, s.Line)));
    }

    [Fact]
    public void Begin_atomic_bodies_end_at_their_END_like_psql()
    {
        var items = Read("""
            CREATE FUNCTION f(c int) RETURNS text LANGUAGE sql
                BEGIN ATOMIC
             SELECT CASE WHEN c = 1 THEN 'one' ELSE 'other' END;
             SELECT 'two';
            END;
            CREATE OR REPLACE PROCEDURE p() BEGIN ATOMIC SELECT 1; END;
            BEGIN; SELECT 1; END;
            """);
        var statements = items.Cast<ScriptStatement>().ToList();
        Assert.Equal(5, statements.Count);
        Assert.StartsWith("CREATE FUNCTION f", statements[0].Sql);
        Assert.EndsWith("END", statements[0].Sql);
        Assert.Equal(1, statements[0].Line);
        Assert.Equal(("CREATE OR REPLACE PROCEDURE p() BEGIN ATOMIC SELECT 1; END", 6), (statements[1].Sql, statements[1].Line));
        Assert.Equal(new[] { "BEGIN", "SELECT 1", "END" }, statements.Skip(2).Take(3).Select(s => s.Sql));
    }

    [Fact]
    public void Meta_commands_run_to_the_end_of_the_line_and_COPY_data_to_the_terminator()
    {
        var items = Read("""
            \restrict abc123
            SET x = 1;
            COPY t (a, b) FROM stdin;
            1	a;b
            2	\N
            \.
            \unrestrict abc123
            select 3
            """);
        Assert.Collection(items,
            i => Assert.Equal(new ScriptMetaCommand("restrict", "abc123", 1), i),
            i => Assert.Equal(new ScriptStatement("SET x = 1", 2, false), i),
            i => Assert.Equal(new ScriptCopy("COPY t (a, b) FROM stdin", 3), i),
            i => Assert.Equal(new ScriptMetaCommand("data", "1\ta;b", 4), i),
            i => Assert.Equal(new ScriptMetaCommand("data", "2\t\\N", 5), i),
            i => Assert.Equal(new ScriptMetaCommand("unrestrict", "abc123", 7), i),
            i => Assert.Equal(new ScriptStatement("select 3", 8, false), i));
    }

    [Fact]
    public void A_backslash_inside_a_string_or_function_body_is_not_a_meta_command()
    {
        var items = Read("select E'\\n', '\\x';\ncreate function f() returns text language plpgsql as $$\nbegin\n\\set x\nend $$;");
        Assert.All(items, i => Assert.IsType<ScriptStatement>(i));
        Assert.Equal(2, items.Count);
    }

    [Fact]
    public void Empty_statements_and_trailing_comments_send_nothing()
    {
        var items = Read("select 1;;\n;\n-- the end\n/* really */\n");
        Assert.Equal(new[] { "select 1" }, items.Cast<ScriptStatement>().Select(s => s.Sql));
    }

    [Fact]
    public void Statements_that_cannot_share_a_transaction_run_alone()
    {
        var items = Read("create index concurrently i on t (a); vacuum t; create table t2 (a int); create database d;").Cast<ScriptStatement>().ToList();
        Assert.Equal(new[] { true, true, false, true }, items.Select(s => s.RunsAlone));
    }
}
