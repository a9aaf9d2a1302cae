using Npgsql;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Seed;
using PgSeed.Engine.Upgrade;
using PgSeed.Engine.Verify;

namespace Bookstore.Tests;

/// <summary>
/// The sample's checked-in seeds carried across a schema migration with <c>pgseed upgrade</c>'s engine call, without
/// the sample database: a schema, the seed and the migration go into a throwaway database, and the seed is re-exported
/// from there. The catalog holds every table the migration touches, so its own schema.sql is enough; the German
/// customers seed has no author table, so it starts from the sample's whole schema (<c>--schema db/schema.sql</c>).
/// Works on copies; the checked-in seeds are not touched.
/// </summary>
public sealed class SeedUpgradeTests(BookstoreDatabase db)
{
    private const string Migration = """
        ALTER TABLE book RENAME COLUMN title TO name;
        ALTER TABLE book ADD COLUMN in_print boolean NOT NULL DEFAULT true;
        UPDATE book SET in_print = false WHERE published_on < DATE '2000-01-01';
        ALTER TABLE author DROP COLUMN born_on;
        """;

    [Fact]
    public async Task The_sample_seeds_follow_a_migration_and_then_verify_against_the_migrated_schema()
    {
        var ct = TestContext.Current.CancellationToken;
        var work = Directory.CreateTempSubdirectory("bookstore-upgrade-").FullName;
        var migrated = await ScratchDatabases.CreateAsync(db.Server, withSampleData: false, ct);
        try
        {
            Directory.CreateDirectory(Path.Combine(work, "migrations"));
            await File.WriteAllTextAsync(Path.Combine(work, "migrations", "001_book_name_in_print.sql"), Migration, ct);
            await using (var connection = new NpgsqlConnection(db.Server.ConnectionStringFor(migrated)))
            {
                await connection.OpenAsync(ct);
                await using var cmd = new NpgsqlCommand(Migration, connection);
                await cmd.ExecuteNonQueryAsync(ct);
            }

            foreach (var seed in SampleFiles.SeedNames)
            {
                var folder = Path.Combine(work, seed);
                Directory.CreateDirectory(folder);
                foreach (var file in Directory.GetFiles(Path.Combine(SampleFiles.Seeds, seed))) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
                var before = ManifestSerializer.Read(folder);
                var stale = await TargetVerifier.VerifyAsync(folder, db.Server.ConnectionStringFor(migrated), cancellationToken: ct);
                Assert.Contains(stale.Errors, e => e.Code == ErrorCode.TargetColumnMissing && e.Column == "title" && e.Message.Contains("renamed to name"));

                var scratch = $"bookstore_upgrade_{Environment.ProcessId}_{seed.Replace('-', '_')}";
                await db.Server.CreateDatabaseAsync(scratch, cancellationToken: ct);
                try
                {
                    await SeedUpgrader.UpgradeAsync(new UpgradeRequest
                    {
                        SeedDirectory = folder, ScratchConnectionString = db.Server.ConnectionStringFor(scratch),
                        MigrationsDirectory = Path.Combine(work, "migrations"), Parallel = 1,
                        SchemaFile = seed == "catalog" ? null : SampleFiles.Output("db/schema.sql"),
                    }, cancellationToken: ct);
                }
                finally
                {
                    NpgsqlConnection.ClearAllPools();
                    await db.Server.DropDatabaseAsync(scratch, CancellationToken.None);
                }

                var after = ManifestSerializer.Read(folder);
                Assert.Equal(before.Definition, after.Definition with { }, DefinitionComparer.Instance);
                Assert.Equal(before.Tables.Select(t => (t.Name, t.Rows)), after.Tables.Select(t => (t.Name, t.Rows)));
                var book = after.Tables.Single(t => t.Table == "book");
                Assert.Contains("name", book.Columns.Select(c => c.Name));
                Assert.DoesNotContain("title", book.Columns.Select(c => c.Name));
                Assert.Equal("in_print", book.Columns[^1].Name);
                var books = await File.ReadAllLinesAsync(Path.Combine(folder, book.File), ct);
                Assert.Contains(books.Skip(1), l => l.EndsWith(",f", StringComparison.Ordinal)); // migration-computed values
                Assert.Contains(books.Skip(1), l => l.EndsWith(",t", StringComparison.Ordinal));
                if (after.Tables.SingleOrDefault(t => t.Table == "author") is { } author)
                    Assert.DoesNotContain("born_on", author.Columns.Select(c => c.Name));

                var verified = await TargetVerifier.VerifyAsync(folder, db.Server.ConnectionStringFor(migrated), cancellationToken: ct);
                Assert.True(verified.Ok, string.Join("\n", verified.Errors.Select(e => e.ToString())));
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
            NpgsqlConnection.ClearAllPools();
            await db.Server.DropDatabaseAsync(migrated, CancellationToken.None);
        }
    }

    /// <summary>Definitions compare by their JSON (records holding lists compare lists by reference).</summary>
    private sealed class DefinitionComparer : IEqualityComparer<SeedDefinition>
    {
        public static readonly DefinitionComparer Instance = new();
        public bool Equals(SeedDefinition? x, SeedDefinition? y) => Text(x) == Text(y);
        public int GetHashCode(SeedDefinition obj) => Text(obj).GetHashCode();
        private static string Text(SeedDefinition? d) => System.Text.Json.JsonSerializer.Serialize(d);
    }
}
