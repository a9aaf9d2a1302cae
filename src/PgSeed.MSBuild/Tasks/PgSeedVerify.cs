using Microsoft.Build.Framework;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Seed;

namespace PgSeed.MSBuild.Tasks;

/// <summary>
/// Checks every selected seed folder against its manifest with <see cref="SeedVerifier"/> — files present,
/// SHA-256, row counts, format version — without a database. Reports every problem of every seed.
/// </summary>
public sealed class PgSeedVerify : PgSeedTask
{
    private protected override async System.Threading.Tasks.Task RunAsync(CancellationToken cancellationToken)
    {
        var seeds = SelectedSeeds();
        if (seeds.Count == 0)
        {
            SeedLog.Message(MessageImportance.Normal, "PgSeed: no PgSeed items to verify.");
            return;
        }
        foreach (var seed in seeds)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await RunSeedAsync(seed, async () =>
            {
                var result = await Operations.VerifyAsync(seed.Folder, cancellationToken).ConfigureAwait(false);
                foreach (var problem in result.Problems) SeedLog.Error(problem, seed.DefiningProject);
                if (result.Ok)
                    SeedLog.Summary($"PgSeed {seed.Spec}: verified, {result.Manifest.Tables.Count} files match the manifest.");
            }, cancellationToken).ConfigureAwait(false);
        }
    }
}
