using PgSeed.Engine.Seed;
using PgSeed.Engine.Tests.Infrastructure;
using static PgSeed.Engine.Tests.Infrastructure.CliRunner;

namespace PgSeed.Engine.Tests.Cli;

/// <summary>
/// Every failure reaches the user of the command line as one coded line: a role without a privilege, a server error,
/// a full disk, a folder that cannot be changed, a file that cannot be read. Never a stack trace.
/// </summary>
public sealed class FailureTests(PostgresFixture pg) : IDisposable
{
    private const string Schema = """
        create table parent (id int primary key, name text);
        create table child (id int primary key, parent_id int not null references parent(id));
        insert into parent select g, 'p' || g from generate_series(1, 3) g;
        insert into child select g, 1 + g % 3 from generate_series(1, 6) g;
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("pgseed-failure-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void AssertCoded((int Code, string Out, string Err) result, string code)
    {
        Assert.True(result.Code == 1, $"exit {result.Code}\n{result.Out}\n{result.Err}");
        Assert.StartsWith($"error {code}: ", result.Err);
        Assert.DoesNotContain("   at ", result.Err); // no stack trace
        Assert.DoesNotContain("Exception", result.Err);
    }

    [Fact]
    public async Task Export_with_server_closure_as_a_role_without_temp_names_the_privilege_and_the_grant()
    {
        await using var role = await TestRole.CreateAsync(pg.Server);
        await using var db = await pg.CreateDatabaseAsync(Schema + $"grant select on parent, child to \"{role.Name}\";");
        await db.ExecuteAsync($"revoke temporary on database \"{db.Name}\" from public");

        // Auto mode would switch to the client closure (ClosureModeTests); asking for the server's is refused up front.
        var result = await Run("export", "-c", role.ConnectionStringFor(db), "-t", "child", "-f", "where id < 3", "-o", Path.Combine(_dir, "s"),
            "--closure", "server");

        AssertCoded(result, "PGSEED017");
        Assert.Contains("TEMPORARY", result.Err);
        Assert.Contains($"GRANT TEMPORARY ON DATABASE \"{db.Name}\" TO \"{role.Name}\"", result.Err);
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public async Task Export_as_a_role_that_cannot_read_a_parent_table_names_it()
    {
        await using var role = await TestRole.CreateAsync(pg.Server);
        await using var db = await pg.CreateDatabaseAsync(Schema + $"grant select on child to \"{role.Name}\";");

        var result = await Run("export", "-c", role.ConnectionStringFor(db), "-t", "child", "-o", Path.Combine(_dir, "s"));

        AssertCoded(result, "PGSEED017");
        Assert.Contains("SELECT on public.parent", result.Err);
        Assert.Contains("GRANT SELECT ON \"public\".\"parent\"", result.Err);
    }

    [Fact]
    public async Task Export_onto_a_full_disk_is_PGSEED021_and_leaves_nothing()
    {
        await using var db = await pg.CreateDatabaseAsync("create table big (id int primary key, pad text); insert into big select g, repeat('x', 200) from generate_series(1, 2000) g;");
        using var disk = HostileFileSystem.Small(64);

        var result = await Run("export", "-c", db.ConnectionString, "-t", "big", "-o", Path.Combine(disk.Path, "seed"));

        AssertCoded(result, "PGSEED021");
        Assert.Empty(Directory.GetFileSystemEntries(disk.Path));
    }

    [Fact]
    public async Task Export_over_a_seed_folder_that_cannot_be_replaced_is_PGSEED020_and_keeps_it()
    {
        await using var db = await pg.CreateDatabaseAsync(Schema);
        var seed = Path.Combine(_dir, "seed");
        Assert.Equal(0, (await Run("export", "-c", db.ConnectionString, "-t", "child", "-o", seed)).Code);
        var before = Directory.GetFiles(seed).Select(File.ReadAllText).ToList();

        (int Code, string Out, string Err) result;
        using (HostileFileSystem.Immutable(seed))
            result = await Run("export", "-c", db.ConnectionString, "-t", "child", "-f", "where id = 1", "-o", seed);

        AssertCoded(result, "PGSEED020");
        Assert.Equal(before, Directory.GetFiles(seed).Select(File.ReadAllText).ToList());
        Assert.Equal(new[] { "seed" }, Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_seed_file_that_cannot_be_read_is_PGSEED037_for_verify_and_import()
    {
        if (!File.Exists("/proc/self/mem")) Assert.Skip("needs Linux /proc");
        await using var db = await pg.CreateDatabaseAsync(Schema);
        var seed = Path.Combine(_dir, "seed");
        Assert.Equal(0, (await Run("export", "-c", db.ConnectionString, "-t", "child", "-o", seed)).Code);
        // Reading /proc/self/mem from offset 0 fails with EIO: an I/O error on a file that exists.
        var csv = Path.Combine(seed, "public.parent.csv");
        File.Delete(csv);
        File.CreateSymbolicLink(csv, "/proc/self/mem");

        var verify = await Run("verify", seed);
        Assert.Equal(1, verify.Code);
        Assert.StartsWith("error PGSEED037: ", verify.Err);
        AssertCoded(await Run("import", "-c", db.ConnectionString, "--in", seed, "--truncate"), "PGSEED037");
    }

    [Fact]
    public async Task Verify_checks_the_header_against_the_manifest_like_import_does()
    {
        await using var db = await pg.CreateDatabaseAsync(Schema);
        var seed = Path.Combine(_dir, "seed");
        Assert.Equal(0, (await Run("export", "-c", db.ConnectionString, "-t", "child", "-o", seed)).Code);
        var manifestPath = Path.Combine(seed, SeedManifest.FileName);
        var manifest = ManifestSerializer.Read(seed);
        var edited = manifest with
        {
            Tables = manifest.Tables.Select(t => t.Table == "child" ? t with { Columns = t.Columns.Reverse().ToList() } : t).ToList(),
        };
        await ManifestSerializer.WriteAsync(edited, manifestPath, TestContext.Current.CancellationToken);

        var verify = await Run("verify", seed);

        Assert.Equal(1, verify.Code);
        Assert.StartsWith("error PGSEED035: ", verify.Err);
        Assert.Contains("header (id, parent_id) does not match the manifest's columns (parent_id, id)", verify.Err);
        AssertCoded(await Run("import", "-c", db.ConnectionString, "--in", seed, "--truncate"), "PGSEED035");
    }

    [Fact]
    public async Task A_checksum_mismatch_shows_both_hashes_in_full()
    {
        await using var db = await pg.CreateDatabaseAsync(Schema);
        var seed = Path.Combine(_dir, "seed");
        Assert.Equal(0, (await Run("export", "-c", db.ConnectionString, "-t", "child", "-o", seed)).Code);
        var csv = Path.Combine(seed, "public.child.csv");
        File.WriteAllText(csv, File.ReadAllText(csv).Replace("\n6,", "\n7,"));
        var expected = ManifestSerializer.Read(seed).Tables.Single(t => t.Table == "child").Sha256;
        var found = (await CsvScanner.ScanFileAsync(csv, TestContext.Current.CancellationToken)).Sha256Hex();

        var verify = await Run("verify", seed);

        Assert.StartsWith("error PGSEED033: ", verify.Err);
        Assert.Contains($"expected sha256 {expected}, found {found}", verify.Err);
    }
}
