using System.Runtime.CompilerServices;
using PgSeed.Testing.Servers;

namespace PgSeed.Testing.Templates;

/// <summary>
/// One template database per (server, configuration) in this process, built on first use and shared by
/// every fixture with the same configuration. A build that failed is remembered, so each fixture reports
/// the same error at once instead of rebuilding; a cancelled one is not.
/// </summary>
internal static class TemplateCache
{
    private static readonly ConditionalWeakTable<IPostgresServer, Dictionary<string, Entry>> Templates = new();

    public static async Task<string> GetOrBuildAsync(IPostgresServer server, PgSeedOptions options, Action<string> log, CancellationToken cancellationToken)
    {
        await ServerOwnership.ClaimAsync(server, log).WaitAsync(cancellationToken).ConfigureAwait(false);
        var key = TemplateKey.Compute(options, new Npgsql.NpgsqlConnectionStringBuilder(server.AdminConnectionString).Username ?? "");
        var map = Templates.GetValue(server, s =>
        {
            // Templates go with the process: a local cluster is removed whole, but on a server the user runs (or a
            // reused container) they would stay. Best effort at exit; a failure leaves only templates behind.
            if (s is LocalPostgresServer) return new Dictionary<string, Entry>();
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                try { DropAllAsync(s).Wait(TimeSpan.FromSeconds(10)); }
                catch (Exception) { /* the server may already be gone */ }
            };
            return new Dictionary<string, Entry>();
        });
        for (var attempt = 1; ; attempt++)
        {
            Entry entry;
            lock (map)
            {
                // A build cancelled with the run that started it is not remembered: the next caller builds again.
                if (!map.TryGetValue(key, out entry!) || entry.Abandoned)
                    map[key] = entry = new Entry(new Lazy<Task<string>>(() => TemplateBuilder.BuildAsync(server, options, DatabaseNames.Template(key), log, cancellationToken)),
                        cancellationToken);
            }
            try
            {
                return await entry.Build.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (attempt < 3 && !cancellationToken.IsCancellationRequested && entry.Abandoned)
            {
                // The build ran on another fixture's token, which was cancelled (frameworks that give each fixture its
                // own): this fixture was not cancelled, so it builds again.
            }
        }
    }

    /// <summary>A template build, with the token of the fixture that started it.</summary>
    private sealed record Entry(Lazy<Task<string>> Build, CancellationToken Token)
    {
        /// <summary>Ended by its starter's cancellation (cancelled, or failed on the way out of it): not an answer for others.</summary>
        public bool Abandoned => Build.IsValueCreated && Build.Value.IsCompleted && (Build.Value.IsCanceled || (Build.Value.IsFaulted && Token.IsCancellationRequested));
    }

    /// <summary>Drops this process's templates on a server (at process exit for servers we do not own).</summary>
    public static async Task DropAllAsync(IPostgresServer server)
    {
        if (!Templates.TryGetValue(server, out var map)) return;
        List<Lazy<Task<string>>> builds;
        lock (map) builds = map.Values.Select(e => e.Build).ToList();
        foreach (var build in builds)
        {
            if (!build.IsValueCreated || !build.Value.IsCompletedSuccessfully) continue;
            await server.DropDatabaseAsync(build.Value.Result).ConfigureAwait(false);
        }
    }
}
