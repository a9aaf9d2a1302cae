using Npgsql;
using PgSeed.MSBuild.Tasks;
using PgSeed.MSBuild.Tests.Infrastructure;
using static PgSeed.MSBuild.Tests.Infrastructure.Seeds;

namespace PgSeed.MSBuild.Tests.EndToEnd;

/// <summary>
/// The tasks against a real server and real file systems: a missing privilege, a full disk, a folder that cannot
/// be changed and a file that cannot be read are each one build error with its PGSEED code, never an exception.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class TaskFailureTests(PostgresServer postgres) : IDisposable
{
    private const string Schema = """
        create table parent (id int primary key, name text);
        create table child (id int primary key, parent_id int not null references parent(id), pad text);
        insert into parent select g, 'p' || g from generate_series(1, 3) g;
        insert into child select g, 1 + g % 3, repeat('x', 200) from generate_series(1, 2000) g;
        """;

    private readonly string _project = Directory.CreateTempSubdirectory("pgseed-task-failure-").FullName;

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private static string SingleErrorCode(FakeBuildEngine build)
    {
        var error = Assert.Single(build.Errors);
        Assert.DoesNotContain("   at ", error.Message);
        return error.Code;
    }

    private PgSeedExport Export(FakeBuildEngine build, string connection, string folder, params (string, string)[] metadata) => new()
    {
        BuildEngine = build,
        ProjectDirectory = _project,
        Connection = connection,
        Seeds = [Item(folder, metadata.Prepend(("Table", "child")).ToArray())],
    };

    [Fact]
    public async Task Export_as_a_role_that_cannot_read_a_parent_table_is_PGSEED017()
    {
        await using var db = await postgres.CreateDatabaseAsync(Schema);
        var role = $"r_{Guid.NewGuid():N}"[..20];
        await db.ExecuteAsync($"create role \"{role}\" login password 'pw'; grant select on child to \"{role}\";");
        try
        {
            var build = new FakeBuildEngine();
            var connection = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Username = role, Password = "pw" }.ConnectionString;
            Assert.False(Export(build, connection, "seeds/s").Execute());
            Assert.Equal("PGSEED017", SingleErrorCode(build));
            Assert.Contains("SELECT on public.parent", build.Errors.Single().Message);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await db.ExecuteAsync($"drop owned by \"{role}\"; drop role \"{role}\";");
        }
    }

    [Fact]
    public async Task Export_onto_a_full_disk_is_PGSEED021()
    {
        await using var db = await postgres.CreateDatabaseAsync(Schema);
        using var disk = HostileFileSystem.Small(64);
        var build = new FakeBuildEngine();

        Assert.False(Export(build, db.ConnectionString, Path.Combine(disk.Path, "seed")).Execute());

        Assert.Equal("PGSEED021", SingleErrorCode(build));
        Assert.Empty(Directory.GetFileSystemEntries(disk.Path));
    }

    [Fact]
    public async Task Export_over_a_seed_folder_that_cannot_be_replaced_is_PGSEED020()
    {
        await using var db = await postgres.CreateDatabaseAsync(Schema);
        Assert.True(Export(new FakeBuildEngine(), db.ConnectionString, "seeds/s").Execute());
        var build = new FakeBuildEngine();

        using (HostileFileSystem.Immutable(Path.Combine(_project, "seeds", "s")))
            Assert.False(Export(build, db.ConnectionString, "seeds/s", ("Filter", "where id = 1")).Execute());

        Assert.Equal("PGSEED020", SingleErrorCode(build));
        Assert.Equal(new[] { "s" }, Directory.GetFileSystemEntries(Path.Combine(_project, "seeds")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Verify_of_a_file_that_cannot_be_read_is_PGSEED037()
    {
        if (!File.Exists("/proc/self/mem")) Assert.Skip("needs Linux /proc");
        await using var db = await postgres.CreateDatabaseAsync(Schema);
        Assert.True(Export(new FakeBuildEngine(), db.ConnectionString, "seeds/s").Execute());
        var csv = Path.Combine(_project, "seeds", "s", "public.parent.csv");
        File.Delete(csv);
        File.CreateSymbolicLink(csv, "/proc/self/mem"); // reading it fails with EIO
        var build = new FakeBuildEngine();

        Assert.False(new PgSeedVerify { BuildEngine = build, ProjectDirectory = _project, Seeds = [Item("seeds/s")] }.Execute());

        Assert.Equal("PGSEED037", SingleErrorCode(build));
    }
}
