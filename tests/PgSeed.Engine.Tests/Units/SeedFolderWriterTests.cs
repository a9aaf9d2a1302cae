using PgSeed.Engine.Export;
using PgSeed.Engine.Seed;

namespace PgSeed.Engine.Tests.Units;

public sealed class SeedFolderWriterTests : IDisposable
{
    private readonly string _parent = Directory.CreateTempSubdirectory("pgseed-writer-").FullName;

    public void Dispose() => Directory.Delete(_parent, recursive: true);

    [Fact]
    public void A_live_export_keeps_its_temporary_folder_while_another_export_cleans_the_same_parent()
    {
        using var running = new SeedFolderWriter(Path.Combine(_parent, "a"));
        File.WriteAllText(running.PathFor("x.csv"), "id\n");

        using (var other = new SeedFolderWriter(Path.Combine(_parent, "b")))
        {
            File.WriteAllText(other.PathFor(SeedManifest.FileName), "{}");
            other.Commit();
        }

        Assert.True(File.Exists(running.PathFor("x.csv")));
        running.Commit();
        Assert.Equal(new[] { "a", "b" }, Directory.GetFileSystemEntries(_parent).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_leftover_younger_than_two_seconds_is_left_alone()
    {
        Directory.CreateDirectory(Path.Combine(_parent, ".seed.pgseed-tmp-0123abcd"));
        File.WriteAllText(Path.Combine(_parent, ".seed.pgseed-tmp-0123abcd.lock"), "");

        SeedFolderWriter.RemoveLeftovers(_parent);

        Assert.Equal(2, Directory.GetFileSystemEntries(_parent).Length);
    }

    [Fact]
    public void Leftovers_without_a_held_lock_are_removed_and_a_seed_caught_mid_swap_is_put_back()
    {
        // What a process killed between the two renames of a swap leaves: the previous seed renamed aside, the new one
        // complete in its temporary folder, a lock file nobody holds, and no seed folder.
        var old = Directory.CreateDirectory(Path.Combine(_parent, "seed.pgseed-old-0123abcd")).FullName;
        File.WriteAllText(Path.Combine(old, SeedManifest.FileName), "previous");
        Directory.CreateDirectory(Path.Combine(_parent, ".seed.pgseed-tmp-0123abcd"));
        File.WriteAllText(Path.Combine(_parent, ".seed.pgseed-tmp-0123abcd.lock"), "");
        // And a killed export's temporary folder from before lock files existed.
        Directory.CreateDirectory(Path.Combine(_parent, ".other.pgseed-tmp-89abcdef"));

        // Left a while ago (leftovers younger than two seconds may be an export that is just starting).
        foreach (var entry in Directory.GetFileSystemEntries(_parent)) Directory.SetLastWriteTimeUtc(entry, DateTime.UtcNow.AddMinutes(-1));

        SeedFolderWriter.RemoveLeftovers(_parent);

        Assert.Equal(new[] { "seed" }, Directory.GetFileSystemEntries(_parent).Select(Path.GetFileName));
        Assert.Equal("previous", File.ReadAllText(Path.Combine(_parent, "seed", SeedManifest.FileName)));
    }
}
