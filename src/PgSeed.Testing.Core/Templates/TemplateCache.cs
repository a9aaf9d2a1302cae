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
    private static readonly ConditionalWeakTable<IPostgresServer, Dictionary<string, Lazy<Task<string>>>> Templates = new();

    public static async Task<string> GetOrBuildAsync(IPostgresServer server, PgSeedOptions options, Action<string> log, CancellationToken cancellationToken)
    {
        await ServerOwnership.ClaimAsync(server, log).WaitAsync(cancellationToken).ConfigureAwait(false);
        var key = TemplateKey.Compute(options, new Npgsql.NpgsqlConnectionStringBuilder(server.AdminConnectionString).Username ?? "");
        var map = Templates.GetValue(server, s =>
        {
            // Templates go with the process: a local cluster is removed whole, but on a server the user runs (or a
            // reused container) they would stay. Best effort at exit; a failure leaves only templates behind.
            if (s is LocalPostgresServer) return new Dictionary<string, Lazy<Task<string>>>();
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                try { DropAllAsync(s).Wait(TimeSpan.FromSeconds(10)); }
                catch (Exception) { /* the server may already be gone */ }
            };
            return new Dictionary<string, Lazy<Task<string>>>();
        });
        Lazy<Task<string>> entry;
        lock (map)
        {
            // A build cancelled with the run that started it is not remembered: the next run builds again.
            if (!map.TryGetValue(key, out entry!) || (entry.IsValueCreated && entry.Value.IsCanceled))
                map[key] = entry = new Lazy<Task<string>>(() => TemplateBuilder.BuildAsync(server, options, DatabaseNames.Template(key), log, cancellationToken));
        }
        return await entry.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Drops this process's templates on a server (at process exit for servers we do not own).</summary>
    public static async Task DropAllAsync(IPostgresServer server)
    {
        if (!Templates.TryGetValue(server, out var map)) return;
        List<Lazy<Task<string>>> entries;
        lock (map) entries = map.Values.ToList();
        foreach (var entry in entries)
        {
            if (!entry.IsValueCreated || !entry.Value.IsCompletedSuccessfully) continue;
            await server.DropDatabaseAsync(entry.Value.Result).ConfigureAwait(false);
        }
    }
}
