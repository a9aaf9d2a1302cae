using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Import;
using PgSeed.Engine.Seed;
using PgSeed.Engine.Tests.Infrastructure;
using static PgSeed.Engine.Tests.Import.ImportTestKit;

namespace PgSeed.Engine.Tests.Import;

/// <summary>
/// Seeds written by the real exporter from the integrity schemas (cycle, self-references, composite keys,
/// partitions, keyless tables, quoted names, two schemas), imported as a non-superuser role that owns the
/// tables. The expected rows come from the independent <see cref="SeedLoader"/>.
/// </summary>
[Trait("Category", "Matrix")] // build/test.sh runs these on every PostgreSQL major
public class ImportRoundTripTests(PostgresFixture pg)
{
    public static TheoryData<string, ImportMode> Cases()
    {
        var data = new TheoryData<string, ImportMode>();
        foreach (var schema in new[] { "company", "sales" })
        foreach (var mode in new[] { ImportMode.Append, ImportMode.Truncate, ImportMode.Upsert })
            data.Add(schema, mode);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Exported_integrity_seed_imports_in_every_mode_as_owner(string which, ImportMode mode)
    {
        var (schema, data, root) = which == "company"
            ? (IntegritySchemas.CompanySchema, IntegritySchemas.CompanyData, new RootSelection { Table = "company", Filter = "where id = 1" })
            : (IntegritySchemas.SalesSchema, IntegritySchemas.SalesData, new RootSelection { Table = "sales.\"Region\"", Filter = "where \"Code\" in ('EU', 'US')" });
        await using var role = await TestRole.CreateAsync(pg.Server);
        await using var source = await pg.CreateDatabaseAsync(schema + data);
        var folder = TestSeedFolders.NewFolder();
        // Upsert needs a key on every table: leave the keyless tables (with their duplicate rows) out of its seed.
        string[] keylessEdges = mode != ImportMode.Upsert ? []
            : which == "company" ? ["public.assignment.assignment_project_id_fkey", "public.assignment.assignment_employee_id_fkey"]
            : ["public.note.note_region_order_no_fkey"];
        await SeedExporter.ExportAsync(new ExportRequest
        {
            ConnectionString = source.ConnectionString, Roots = [root], OutputDirectory = folder, ExcludedEdges = keylessEdges,
        }, null, TestContext.Current.CancellationToken);
        await SchemaSqlCheck.AssertSufficesAsync(pg, folder);
        var manifest = ManifestSerializer.Read(folder);
        var tables = manifest.Tables.Select(t => $"{Sql.Identifier.Quote(t.Schema)}.{Sql.Identifier.Quote(t.Table)}").ToArray();

        await using var expected = await pg.CreateDatabaseAsync(schema);
        await SeedLoader.LoadWithForeignKeysCheckedAsync(expected.ConnectionString, folder);

        await using var target = await pg.CreateDatabaseAsync();
        await target.ExecuteAsync(OwnedSchema(role, target, schema));
        // Truncate and upsert start from the full source data, so they have rows to replace and update.
        if (mode != ImportMode.Append)
            await target.ExecuteAsync(data + (which == "company"
                ? "update employee set name = name || '!'; update company set name = 'x';"
                : "update sales.\"Region\" set \"Name\" = 'x'; update sales.\"order\" set total = 0;"));
        var before = await SnapshotAsync(target, tables);
        if (mode == ImportMode.Upsert) Assert.All(manifest.Tables, t => Assert.NotEmpty(t.Key));
        else Assert.Contains(manifest.Tables, t => t.Key.Count == 0);

        var report = await ImportAsync(role.ConnectionStringFor(target), folder, mode, cascade: true);

        Assert.Equal(manifest.Tables.Sum(t => t.Rows), report.TotalRows);
        if (mode == ImportMode.Upsert)
        {
            // Every seed row is present exactly as exported; rows outside the seed stay.
            var seeded = await SnapshotAsync(expected, tables);
            var after = await SnapshotAsync(target, tables);
            Assert.Empty(seeded.Except(after));
            Assert.Equal(before.Count, after.Count);
        }
        else
        {
            Assert.Equal(await SnapshotAsync(expected, tables), await SnapshotAsync(target, tables));
        }
        Assert.Equal(0L, await target.ScalarAsync<long>("select count(*) from pg_constraint where contype = 'f' and not convalidated"));
    }

    [Fact]
    public async Task Exporter_seed_of_every_common_type_round_trips_exactly()
    {
        await using var source = await pg.CreateDatabaseAsync(ImportFidelityTests.TypesSchema + ImportFidelityTests.TypesData);
        await using var target = await pg.CreateDatabaseAsync(ImportFidelityTests.TypesSchema);
        var folder = TestSeedFolders.NewFolder();
        await SeedExporter.ExportAsync(new ExportRequest
        {
            ConnectionString = source.ConnectionString,
            Roots = [new RootSelection { Table = "everything" }],
            OutputDirectory = folder,
        }, null, TestContext.Current.CancellationToken);
        await SchemaSqlCheck.AssertSufficesAsync(pg, folder);

        await ImportAsync(target.ConnectionString, folder, ImportMode.Truncate);

        const string rows = "select md5(x::text) from everything x order by id";
        Assert.Equal(await source.ColumnAsync(rows), await target.ColumnAsync(rows));
        Assert.Equal(4, (await target.ColumnAsync(rows)).Count);
    }

    /// <summary>Creates <paramref name="schemaSql"/> as <paramref name="role"/>, which then owns every table (and may create schemas).</summary>
    private static string OwnedSchema(TestRole role, TestDatabase db, string schemaSql) =>
        $"grant create on database \"{db.Name}\" to \"{role.Name}\"; " + AsOwner(role, schemaSql);
}
