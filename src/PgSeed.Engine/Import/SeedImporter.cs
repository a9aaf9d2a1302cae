using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Import;

/// <summary>Loads a seed folder into a database in one transaction.</summary>
public static class SeedImporter
{
    public static Task<ImportReport> ImportAsync(ImportRequest request, ISeedLog? log = null, CancellationToken cancellationToken = default)
        => throw new NotImplementedException("Import is being built (issue 3).");
}
