using System.Security.Cryptography;
using System.Text;
using Npgsql;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Seed;
using PgSeed.Engine.Tests.Infrastructure;

namespace PgSeed.Engine.Tests.Export;

/// <summary>
/// The COPY-out byte path (TableCopier: the server's bytes in 64 kB chunks, never decoded) and the choice of a sort
/// over a key-order index scan for shuffled complete tables (KeyOrderScans): same files as before, byte for byte.
/// </summary>
public class CopyOutPathTests(PostgresFixture pg)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>What the previous TableCopier wrote: the COPY read as text (UTF-8 decoded) and encoded back to UTF-8.</summary>
    private static async Task<byte[]> DecodedCopyAsync(string connectionString, string sql)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync(Ct);
        await using (var set = new NpgsqlCommand(PgSeed.Engine.Connection.Sessions.DeterministicSettings, c)) await set.ExecuteNonQueryAsync(Ct);
        using var reader = await c.BeginTextExportAsync(sql, Ct);
        return new UTF8Encoding(false).GetBytes(await reader.ReadToEndAsync(Ct));
    }

    [Fact]
    public async Task Files_over_many_chunks_with_multibyte_text_and_quoted_newlines_are_the_decoded_copy_byte_for_byte()
    {
        await using var s = await ExportScenario.CreateAsync(pg,
            "create table note (id int primary key, body text, tags text[])",
            // ~1.3 MB: many 64 kB chunks, multi-byte characters and quoted line breaks falling across chunk ends.
            "insert into note select g, repeat('é😀 \"q\", ', g % 17) || E'line\\nbreak ' || g, array['a,b', 'ü'] from generate_series(1, 20000) g");
        var request = s.Request(new RootSelection { Table = "note" }) with { Parallel = 1 };

        var (report, folder) = await s.ExportAsync(request);

        var file = Path.Combine(folder, "public.note.csv");
        var bytes = await File.ReadAllBytesAsync(file, Ct);
        Assert.True(bytes.Length > 1 << 20);
        var expected = await DecodedCopyAsync(s.Source.ConnectionString,
            "COPY (SELECT t.\"id\", t.\"body\", t.\"tags\" FROM \"public\".\"note\" t ORDER BY t.\"id\") TO STDOUT (FORMAT csv, HEADER true)");
        Assert.Equal(expected, bytes);
        var table = ManifestSerializer.Read(folder).Tables.Single();
        Assert.Equal(20000, table.Rows);
        Assert.Equal(bytes.Length, table.Bytes);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant(), table.Sha256);
        Assert.Equal(20000, report.TotalRows);
    }

    [Fact]
    public async Task A_shuffled_complete_table_is_sorted_instead_of_read_through_its_key_index_with_the_same_bytes()
    {
        await using var s = await ExportScenario.CreateAsync(pg, """
            create table shuffled (id int primary key, v text);
            create table ordered (id int primary key, v text);
            """, """
            insert into shuffled select g, 'v' || g from generate_series(1, 20000) g order by md5(g::text);
            insert into ordered select g, 'v' || g from generate_series(1, 20000) g order by g;
            analyze shuffled; analyze ordered;
            """);
        var log = new RecordingSeedLog();
        var request = s.Request(new RootSelection { Table = "shuffled" }, new RootSelection { Table = "ordered" }) with
        {
            Parallel = 1,
            ConnectionString = s.Source.ConnectionString,
        };

        await SeedExporter.ExportAsync(request, log, Ct);

        var sql = log.Of("sql").ToList();
        string? SettingBefore(string table)
        {
            var copy = sql.FindIndex(q => q.StartsWith("COPY", StringComparison.Ordinal) && q.Contains($"\"public\".\"{table}\"", StringComparison.Ordinal));
            Assert.True(copy >= 0, string.Join("\n", sql));
            return sql.Take(copy).LastOrDefault(q => q.Contains("enable_indexscan", StringComparison.Ordinal));
        }
        Assert.Equal(KeyOrderScans.Setting(sort: true), SettingBefore("shuffled"));
        Assert.NotEqual(KeyOrderScans.Setting(sort: true), SettingBefore("ordered"));
        foreach (var table in new[] { "shuffled", "ordered" })
        {
            var expected = await DecodedCopyAsync(s.Source.ConnectionString,
                $"COPY (SELECT t.\"id\", t.\"v\" FROM \"public\".\"{table}\" t ORDER BY t.\"id\") TO STDOUT (FORMAT csv, HEADER true)");
            Assert.Equal(expected, await File.ReadAllBytesAsync(Path.Combine(request.OutputDirectory, $"public.{table}.csv"), Ct));
        }
    }
}
