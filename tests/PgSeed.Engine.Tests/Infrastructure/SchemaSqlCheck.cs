using PgSeed.Engine.Import;
using PgSeed.Engine.Seed;

namespace PgSeed.Engine.Tests.Infrastructure;

/// <summary>
/// The seed's schema.sql must be enough to import the seed: an empty database gets schema.sql alone (nothing from
/// the test's own schema script), then the engine imports the seed into it with every FK validated. Every export
/// test runs this on the seeds it writes (<see cref="ExportScenario"/>).
/// </summary>
public static class SchemaSqlCheck
{
    /// <summary>
    /// Runs schema.sql the way psql would need no help with: pg_dump 15.14+ may emit <c>\restrict</c> /
    /// <c>\unrestrict</c> meta-commands (PgSeed strips them, but a test must not depend on it).
    /// </summary>
    public static string WithoutMetaCommands(string schemaSql) =>
        string.Join("\n", schemaSql.Split('\n').Where(l => !l.StartsWith('\\')));

    /// <summary>Builds a database from <paramref name="folder"/>'s schema.sql, imports the seed into it and returns it (the caller disposes it).</summary>
    public static async Task<TestDatabase> ImportIntoSchemaSqlAsync(PostgresFixture pg, string folder, ImportMode mode = ImportMode.Append)
    {
        var schemaSql = await File.ReadAllTextAsync(Path.Combine(folder, "schema.sql"));
        var db = await pg.CreateDatabaseAsync();
        try
        {
            await db.ExecuteAsync(WithoutMetaCommands(schemaSql));
            await SeedImporter.ImportAsync(new ImportRequest { ConnectionString = db.ConnectionString, SeedDirectory = folder, Mode = mode },
                null, TestContext.Current.CancellationToken);
            return db;
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }

    /// <summary>When the export wrote a seed with a schema.sql: it alone builds a database the seed imports into, row for row.</summary>
    public static async Task AssertSufficesAsync(PostgresFixture pg, string folder)
    {
        if (!File.Exists(Path.Combine(folder, SeedManifest.FileName)) || !File.Exists(Path.Combine(folder, "schema.sql"))) return;
        var manifest = ManifestSerializer.Read(folder);
        TestDatabase db;
        try
        {
            db = await ImportIntoSchemaSqlAsync(pg, folder);
        }
        catch (Exception e)
        {
            Assert.Fail($"The seed did not import into a database built from its schema.sql alone: {e.Message}");
            throw;
        }
        await using (db)
            foreach (var t in manifest.Tables)
                Assert.Equal(t.Rows, await db.ScalarAsync<long>($"SELECT count(*) FROM {new Catalog.TableName(t.Schema, t.Table).Sql}"));
    }
}
