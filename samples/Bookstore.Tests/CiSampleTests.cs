using System.Diagnostics;
using Npgsql;

namespace Bookstore.Tests;

/// <summary>
/// What the CI workflows in samples/ci run, run here end to end on the sample: the refresh script (export through
/// the sample's PgSeedExport, then <c>pgseed diff --format markdown</c> per seed), and the pull-request job's
/// migrate-then-<c>verify --against</c>.
/// </summary>
[Collection(SampleBuilds.Name)]
public sealed class CiSampleTests(BookstoreDatabase db)
{
    private static string Pgseed => $"dotnet {Path.Combine(AppContext.BaseDirectory, "pgseed.dll")}";

    [Fact]
    public async Task The_refresh_script_exports_and_writes_a_markdown_diff_when_the_seeds_changed()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await ScratchDatabases.CreateAsync(db.Server, withSampleData: true, ct);
        var connection = db.Server.ConnectionStringFor(database);
        var root = Directory.CreateTempSubdirectory("bookstore-ci-").FullName;
        try
        {
            foreach (var seed in SampleFiles.SeedNames)
            {
                Directory.CreateDirectory(Path.Combine(root, seed));
                foreach (var file in Directory.GetFiles(Path.Combine(SampleFiles.Seeds, seed))) File.Copy(file, Path.Combine(root, seed, Path.GetFileName(file)));
            }
            var seeds = SampleFiles.SeedNames.Select(s => Path.Combine(root, s)).ToArray();
            var body = Path.Combine(root, "seed-diff.md");

            // Nothing new at the source: a refresh that rewrites nothing changes nothing.
            var (unchanged, quiet) = await RunAsync(connection, "true", body, seeds);
            Assert.True(unchanged == 0, quiet);
            Assert.Contains("up to date", quiet);

            await ExecuteAsync(connection, """
                UPDATE author SET name = name || ' Jr.' WHERE id = (SELECT min(author_id) FROM book_author WHERE book_id IN (SELECT id FROM book WHERE category_id IN (1, 7, 25)));
                DELETE FROM book_author WHERE (book_id, author_id) = (SELECT book_id, author_id FROM book_author WHERE book_id IN (SELECT id FROM book WHERE category_id IN (1, 7, 25)) ORDER BY 1, 2 DESC LIMIT 1);
                """, ct);
            var refresh = $"dotnet build {Path.Combine(SampleFiles.Directory, "Bookstore.csproj")} -t:PgSeedExport --no-restore -nodeReuse:false -nologo -v:q " +
                          $"-p:Configuration={SampleFiles.BuildConfiguration} -p:PgSeedRoot={root}";
            var (code, output) = await RunAsync(connection, refresh, body, seeds);
            Assert.True(code == 3, output);
            var markdown = await File.ReadAllTextAsync(body, ct);
            Assert.StartsWith("## Seed refresh", markdown);
            Assert.Contains($"### Seed changes: `{Path.Combine(root, "catalog")}`", markdown);
            Assert.Matches(@"\| `public\.author` \| (\d+) → \1 \| 0 \| 0 \| 1 \| `name` \(1\) \|", markdown);
            Assert.Matches(@"\| `public\.book_author` \| (\d+) → \d+ \| 0 \| 1 \| 0 \|", markdown);
            Assert.DoesNotContain("german-customers", markdown);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
            await db.Server.DropDatabaseAsync(database, CancellationToken.None);
        }
    }

    [Fact]
    public async Task The_pull_request_job_migrates_an_empty_database_and_verifies_the_seeds_against_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = $"seeds_verify_{Environment.ProcessId}";
        await db.Server.CreateDatabaseAsync(database, cancellationToken: ct);
        try
        {
            var cs = new NpgsqlConnectionStringBuilder(db.Server.ConnectionStringFor(database));
            var env = new Dictionary<string, string>
            {
                ["PGHOST"] = cs.Host!, ["PGPORT"] = cs.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), ["PGUSER"] = cs.Username!,
            };
            // The workflow's two steps, as written in samples/ci/github/seed-verify.yml (paths from this checkout).
            var migrate = await ShellAsync($"psql -v ON_ERROR_STOP=1 -q -d {database} -f {Path.Combine(SampleFiles.Directory, "db", "schema.sql")}", env);
            Assert.True(migrate.Code == 0, migrate.Output);
            var verify = await ShellAsync($"{Pgseed} verify {Path.Combine(SampleFiles.Seeds, "*")} --against \"Host={cs.Host};Port={cs.Port};Username={cs.Username};Database={database}\"", env);
            Assert.True(verify.Code == 0, verify.Output);
            Assert.Contains("german-customers: ok against", verify.Output);
            Assert.Contains("catalog: ok against", verify.Output);

            // A migration that renames a seed column breaks the job.
            await ExecuteAsync(db.Server.ConnectionStringFor(database), "ALTER TABLE book RENAME COLUMN title TO name", ct);
            var broken = await ShellAsync($"{Pgseed} verify {Path.Combine(SampleFiles.Seeds, "*")} --against \"Host={cs.Host};Port={cs.Port};Username={cs.Username};Database={database}\"", env);
            Assert.Equal(1, broken.Code);
            Assert.Contains("PGSEED041", broken.Output);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await db.Server.DropDatabaseAsync(database, CancellationToken.None);
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(string connection, string refresh, string body, string[] seeds) =>
        await ShellAsync($"bash {Path.Combine(SampleFiles.CiDirectory, "refresh-seeds.sh")} {body} {string.Join(' ', seeds)}",
            new Dictionary<string, string> { ["PGSEED_CONNECTION"] = connection, ["PGSEED_REFRESH"] = refresh, ["PGSEED"] = Pgseed });

    private static async Task<(int Code, string Output)> ShellAsync(string command, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("bash") { ArgumentList = { "-c", command }, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // Variables an MSBuild host leaves behind would point a child build at the wrong MSBuild.
        foreach (var v in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH" }) start.Environment.Remove(v);
        foreach (var (k, v) in environment) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
