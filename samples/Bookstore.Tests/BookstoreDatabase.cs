using PgSeed.Engine.Import;
using PgSeed.Testing;

// One fixture for the whole test assembly, built once from the schema and both seeds. Each test leases a database of
// its own (a clone of the template, reset in place between tests), so the test classes run in parallel safely.
[assembly: AssemblyFixture(typeof(Bookstore.Tests.BookstoreDatabase))]

namespace Bookstore.Tests;

/// <summary>
/// The bookstore schema with both checked-in seeds loaded. The first seed is loaded with Truncate (author,
/// book_author and stock_movement reference its tables from outside it, but they are empty in the template,
/// so they are truncated along). The seeds overlap (books, publishers, categories and countries come from the same source
/// database), so the catalog is merged in with Upsert: shared rows are identical, the catalog adds its
/// authors and the books of its three categories.
/// Paths are relative to the test output folder, where the csproj copies db/schema.sql and seeds/.
/// </summary>
public sealed class BookstoreDatabase : PgSeedFixture
{
    protected override void Configure(PgSeedOptions o) => o
        .Schema("db/schema.sql")
        .Seed("seeds/german-customers", ImportMode.Truncate)
        .Seed("seeds/catalog", ImportMode.Upsert);
}
