using System.Diagnostics;
using System.Text;
using PgSeed.Engine.Seed;

namespace Bookstore.Tests;

/// <summary>The checked-in seeds are intact and current.</summary>
[Collection(SampleBuilds.Name)]
public sealed class SeedTests(BookstoreDatabase db)
{
    [Fact]
    public async Task Checked_in_seeds_match_their_manifests()
    {
        foreach (var seed in SampleFiles.SeedNames)
        {
            var result = await SeedVerifier.VerifyAsync(Path.Combine(SampleFiles.Seeds, seed), TestContext.Current.CancellationToken);
            Assert.True(result.Ok, $"{seed}: {string.Join("; ", result.Problems.Select(p => p.ToString()))}");
            Assert.NotEmpty(result.Manifest.Tables);
        }
    }

    /// <summary>
    /// Runs the sample's own <c>dotnet build -t:PgSeedExport</c> against db/*.sql into a temporary root: if the
    /// sample data or the seed definitions change, this fails until someone re-exports (see README.md).
    /// </summary>
    [Fact]
    public async Task Checked_in_seeds_are_what_PgSeedExport_makes_of_the_sample_database()
    {
        // The full sample database, on the fixture's server but not in its database.
        var database = await ScratchDatabases.CreateAsync(db.Server, withSampleData: true, TestContext.Current.CancellationToken);
        var connectionString = db.Server.ConnectionStringFor(database);
        var root = Directory.CreateTempSubdirectory("bookstore-seeds-").FullName;
        try
        {
            var (exitCode, output) = await DotNetBuildAsync(connectionString,
                Path.Combine(SampleFiles.Directory, "Bookstore.csproj"), "-t:PgSeedExport", "--no-restore",
                $"-p:Configuration={SampleFiles.BuildConfiguration}", $"-p:PgSeedRoot={root}");
            Assert.True(exitCode == 0, output);

            foreach (var seed in SampleFiles.SeedNames)
            {
                var expected = Path.Combine(SampleFiles.Seeds, seed);
                var actual = Path.Combine(root, seed);
                var files = Directory.GetFiles(expected).Select(Path.GetFileName).Order().ToArray();
                Assert.Equal(files, Directory.GetFiles(actual).Select(Path.GetFileName).Order().ToArray());
                foreach (var file in files)
                    Assert.True(File.ReadAllBytes(Path.Combine(expected, file!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, file!))),
                        $"{seed}/{file} is out of date: re-export the sample's seeds (samples/Bookstore/README.md).");
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
            await db.Server.DropDatabaseAsync(database, CancellationToken.None);
        }
    }

    internal static async Task<(int ExitCode, string Output)> DotNetBuildAsync(string connectionString, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["build", .. arguments, "-nodeReuse:false", "-nologo"]) start.ArgumentList.Add(a);
        // Variables an MSBuild host leaves behind would point the child at the wrong MSBuild.
        foreach (var v in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH" }) start.Environment.Remove(v);
        start.Environment["PGSEED_CONNECTION"] = connectionString;
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        output.Append(await stdout).Append(await stderr);
        return (process.ExitCode, output.ToString());
    }
}
