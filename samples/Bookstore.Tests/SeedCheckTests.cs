namespace Bookstore.Tests;

/// <summary>
/// <c>dotnet build -t:PgSeedCheck</c> on the sample project: a seed whose source rows changed fails the build with
/// PGSEED024 and a line per changed table; an unaffected seed is up to date; no seed folder is written.
/// </summary>
[Collection(SampleBuilds.Name)]
public sealed class SeedCheckTests(BookstoreDatabase db)
{
    [Fact]
    public async Task PgSeedCheck_names_the_stale_seed_and_its_changed_table_and_writes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await ScratchDatabases.CreateAsync(db.Server, withSampleData: true, ct);
        var root = Directory.CreateTempSubdirectory("bookstore-check-").FullName;
        try
        {
            foreach (var seed in SampleFiles.SeedNames)
            {
                Directory.CreateDirectory(Path.Combine(root, seed));
                foreach (var file in Directory.GetFiles(Path.Combine(SampleFiles.Seeds, seed)))
                    File.Copy(file, Path.Combine(root, seed, Path.GetFileName(file)));
            }
            var before = Snapshot(root);
            // Authors are only in the catalog seed.
            await using (var connection = new Npgsql.NpgsqlConnection(db.Server.ConnectionStringFor(database)))
            {
                await connection.OpenAsync(ct);
                await using var cmd = new Npgsql.NpgsqlCommand(
                    "UPDATE author SET name = name || ' Jr.' WHERE id = (SELECT min(author_id) FROM book_author WHERE book_id IN (SELECT id FROM book WHERE category_id IN (1, 7, 25)))",
                    connection);
                Assert.Equal(1, await cmd.ExecuteNonQueryAsync(ct));
            }

            var (exitCode, output) = await SeedTests.DotNetBuildAsync(db.Server.ConnectionStringFor(database),
                Path.Combine(SampleFiles.Directory, "Bookstore.csproj"), "-t:PgSeedCheck", "--no-restore",
                $"-p:Configuration={SampleFiles.BuildConfiguration}", $"-p:PgSeedRoot={root}");

            Assert.True(exitCode != 0, output);
            Assert.Contains("error PGSEED024", output);
            Assert.Contains("catalog is out of date", output);
            Assert.Matches(@"public\.author: (\d+) → \1 rows, ~1 \(name\)", output);
            Assert.Contains("german-customers: up to date", output);
            Assert.Equal(before, Snapshot(root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
            await db.Server.DropDatabaseAsync(database, CancellationToken.None);
        }
    }

    private static string Snapshot(string root) => string.Join("\n", Directory.GetFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
        .Select(f => f + ":" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))));
}
