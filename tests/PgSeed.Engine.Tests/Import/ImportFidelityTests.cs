using PgSeed.Engine.Import;
using PgSeed.Engine.Tests.Infrastructure;
using static PgSeed.Engine.Tests.Import.ImportTestKit;

namespace PgSeed.Engine.Tests.Import;

/// <summary>Export then import into an empty copy of the schema: every row compares equal, value by value.</summary>
[Trait("Category", "Matrix")] // build/test.sh runs these on every PostgreSQL major
public class ImportFidelityTests(PostgresFixture pg)
{
    internal const string TypesSchema = """
        create type mood as enum ('sad', 'ok', 'happy');
        create domain posint as int check (value > 0);
        create type pair as (a int, b text);
        create table everything (
          id int primary key,
          i2 smallint, i4 int, i8 bigint, num numeric, num_scaled numeric(60,20),
          r real, d double precision,
          t text, vc varchar(20), ch char(5),
          b bytea, bo boolean,
          dt date, ts timestamp, tstz timestamptz, iv interval, tm time, tmtz timetz,
          u uuid, j json, jb jsonb,
          a1 int[], a2 text[][],
          m mood, dom posint, comp pair,
          rng int4range, tsr tstzrange, nr numrange,
          ip inet, net cidr, mac macaddr,
          bt bit(4), vb varbit, tv tsvector, x xml, pt point, mo money
        );
        """;

    internal const string TypesData = """
        insert into everything values
        (1, -32768, 2147483647, -9223372036854775808,
         123456789012345678901234567890123456789012345.678901234567890123456789, 'NaN',
         'NaN', '-0',
         E'quote " comma , newline \n tab \t backslash \\ crlf \r\n unicode 日本語 é 🎉', '', 'ab',
         '\x00ff10', true,
         'infinity', '-infinity', '2020-01-01 12:34:56.789+05', '1 year 2 mons -3 days 04:05:06.789', '23:59:59.999999', '12:00:00+03',
         'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 2, {"b": null}],  "c": "x"}', '{"z": 1, "a": [true, null, "\"q\""]}',
         '{1,NULL,3}', '{{a,NULL},{"c,d","e\"f"}}',
         'happy', 5, '(1,"x, y")',
         '[1,10)', '[2020-01-01,infinity)', 'empty',
         '192.168.0.1/24', '10.0.0.0/8', '08:00:2b:01:02:03',
         B'1010', B'101', 'a fat cat sat', '<a b="1">t &amp; u</a>', '(1.5,-2)', '1234.56'),
        (2, 0, 0, 0, -0.000000000000000000000000000000000000000001, 1.5,
         '-Infinity', 'Infinity',
         '', NULL, NULL,
         '\x', false,
         '0044-03-15 BC', '0001-01-01 00:00:00 BC', '-infinity', '-178000000 years', '00:00', '00:00:00-12',
         NULL, '[]', '"just a string"',
         '{}', '{{NULL,NULL},{NULL,NULL}}',
         'sad', 1, '(,)',
         '(,)', NULL, '[-1.5,2.25]',
         '::1', '2001:db8::/32', 'ff:ff:ff:ff:ff:ff',
         B'0000', B'', '', '<empty/>', '(0,0)', '-0.01'),
        (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
        (4, 1, 1, 1, 1e-30, 0, 1.17549435e-38, 1e308,
         E'\\N', 'NULL', '"',
         '\x5c4e', NULL,
         '2000-02-29', '2000-02-29 23:59:59.999999', '1999-12-31 23:59:59.999999+00', '-1 days', '24:00:00', '24:00:00+15:59',
         '00000000-0000-0000-0000-000000000000', 'null', 'null',
         '{NULL}', '{{"",NULL}}',
         'ok', 2147483647, '(-1,"")',
         '[,5)', '(,)', '(0,1]',
         '0.0.0.0/0', '0.0.0.0/0', '00:00:00:00:00:00',
         B'1111', B'1', E'\'quoted\' lexeme:1A', '<x>a<![CDATA[<b>]]></x>', '(-1e-300,1e300)', '92233720368547758.07');
        """;

    [Theory]
    [InlineData(ImportMode.Append)]
    [InlineData(ImportMode.Upsert)]
    public async Task Every_common_built_in_type_round_trips_exactly(ImportMode mode)
    {
        await using var source = await pg.CreateDatabaseAsync(TypesSchema + TypesData);
        await using var target = await pg.CreateDatabaseAsync(TypesSchema);
        var seed = await TestSeedFolders.FromDatabaseAsync(source.ConnectionString, "everything");

        await ImportAsync(target.ConnectionString, seed, mode);
        if (mode == ImportMode.Upsert)
        {
            // Over existing rows, one changed: values of types without equality (json, point, xml) compare too.
            await target.ExecuteAsync("update everything set j = '[1]', pt = '(9,9)', x = '<changed/>', t = 'changed' where id = 1");
            await ImportAsync(target.ConnectionString, seed, mode);
        }

        const string rows = "select x::text from everything x order by id";
        var expected = await source.ColumnAsync(rows);
        Assert.Equal(4, expected.Count);
        Assert.Equal(expected, await target.ColumnAsync(rows));
        // Empty string and NULL stay distinct.
        Assert.Equal(new[] { "2:", "3:<null>" }, await target.ColumnAsync("select id || ':' || coalesce(t, '<null>') from everything where id in (2, 3) order by id"));
    }

    [Fact]
    public async Task Quoted_schema_table_and_column_names_import()
    {
        const string schema = """create schema "Sales"; create table "Sales"."Order" ("Id" int primary key, "from" text, "a""b" int);""";
        await using var source = await pg.CreateDatabaseAsync(schema + """insert into "Sales"."Order" values (1, 'x', 2), (2, null, null);""");
        await using var target = await pg.CreateDatabaseAsync(schema);
        var seed = await TestSeedFolders.FromDatabaseAsync(source.ConnectionString, "\"Sales\".\"Order\"");

        await ImportAsync(target.ConnectionString, seed, ImportMode.Upsert);
        await ImportAsync(target.ConnectionString, seed, ImportMode.Truncate);

        const string rows = """select x::text from "Sales"."Order" x order by 1""";
        Assert.Equal(await source.ColumnAsync(rows), await target.ColumnAsync(rows));
    }
}
