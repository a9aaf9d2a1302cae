using PgSeed.Engine.Catalog;
using PgSeed.Engine.Shaping;

namespace PgSeed.Engine.Tests.Versions;

/// <summary>
/// Which pg_dump writes schema.sql (issue #20): one at least as new as the server (pg_dump refuses newer servers),
/// PGSEED_PG_DUMP first when it is, else the newest. The candidates are small scripts that answer --version like
/// pg_dump of a given major, so every combination is checked on any machine.
/// </summary>
public sealed class PgDumpSelectionTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pgseed-pg_dumps-" + Guid.NewGuid().ToString("N")[..8]);

    private string FakePgDump(string folder, string version)
    {
        var dir = Path.Combine(_root, folder, "bin");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "pg_dump");
        File.WriteAllText(path, $"#!/bin/sh\necho 'pg_dump (PostgreSQL) {version}'\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, true);
    }

    [Fact]
    public async Task The_newest_pg_dump_at_least_as_new_as_the_server_is_chosen()
    {
        var p14 = FakePgDump("14", "14.13");
        var p16 = FakePgDump("16", "16.4 (Debian 16.4-1)");
        var p18 = FakePgDump("18", "18.1");
        var notPgDump = Path.Combine(_root, "other");
        File.WriteAllText(notPgDump, "#!/bin/sh\necho 'something else 99'\n");
        File.SetUnixFileMode(notPgDump, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var ct = TestContext.Current.CancellationToken;

        var found = await PgDumpLocator.FindAsync(15, null, [p14, p16, notPgDump, p18, "/nonexistent/pg_dump"], ct);
        Assert.Equal(p18, found.Chosen?.Path);
        Assert.Equal([14, 16, 18], found.Found.Select(c => c.Major).Order());

        // PGSEED_PG_DUMP wins when it can dump the server, even over a newer one.
        found = await PgDumpLocator.FindAsync(15, p16, [p14, p18], ct);
        Assert.Equal(p16, found.Chosen?.Path);
        Assert.Equal(p16, found.ConfiguredCandidate?.Path);

        // Too old for the server: the newest that can dump it instead.
        found = await PgDumpLocator.FindAsync(17, p14, [p16, p18], ct);
        Assert.Equal(p18, found.Chosen?.Path);
        Assert.Equal(14, found.ConfiguredCandidate?.Major);

        // None new enough: nothing chosen, the newest seen reported.
        found = await PgDumpLocator.FindAsync(19, "/nonexistent/pg_dump", [p14, p16, p18], ct);
        Assert.Null(found.Chosen);
        Assert.Null(found.ConfiguredCandidate);
        Assert.Equal(18, found.Newest?.Major);
    }

    [Fact]
    public void Pg_dump_16_takes_a_partitioned_table_with_its_partitions_in_one_argument()
    {
        var partitioned = Table("event", partitions: ["event_2024", "event_2025"]);
        var plain = Table("account");
        Assert.Equal(["--table=\"public\".\"account\"", "--table=\"public\".\"event\"", "--table=\"public\".\"event_2024\"", "--table=\"public\".\"event_2025\""],
            SchemaDumper.TableArguments(15, [partitioned, plain]));
        Assert.Equal(["--table=\"public\".\"account\"", "--table-and-children=\"public\".\"event\""],
            SchemaDumper.TableArguments(16, [partitioned, plain]));
    }

    private static TableInfo Table(string name, string[]? partitions = null) => new()
    {
        Name = new TableName("public", name),
        Oid = 1,
        Partitioned = partitions is not null,
        Partitions = (partitions ?? []).Select((p, i) => new PartitionInfo(new TableName("public", p), (uint)(i + 2), new TableName("public", name), true)).ToList(),
        Columns = [],
        PrimaryKey = [],
        UniqueKeys = [],
    };
}
