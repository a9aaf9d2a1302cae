namespace PgSeed.Testing.Servers;

/// <summary>
/// The one server every fixture of a test process shares unless told otherwise: chosen and started on first use by
/// <see cref="TestServers"/>, stopped when the process exits (a local cluster or container registers its own exit
/// handler; a crashed run's cluster or container is reaped by the next one). Not ref-counted on purpose: class
/// fixtures come and go between test classes and must not stop and restart the server each time.
/// </summary>
internal static class SharedServer
{
    private static readonly object Gate = new();
    private static Task<ServerChoice>? _server;

    /// <summary>The shared server, started on the first call. A failed start is retried by the next caller.</summary>
    public static async Task<IPostgresServer> GetAsync(CancellationToken cancellationToken = default) =>
        (await GetChoiceAsync(cancellationToken).ConfigureAwait(false)).Server;

    internal static Task<ServerChoice> GetChoiceAsync(CancellationToken cancellationToken)
    {
        lock (Gate)
        {
            if (_server is null || _server.IsFaulted || _server.IsCanceled)
                _server = StartAsync();
            return _server.WaitAsync(cancellationToken);
        }
    }

    private static async Task<ServerChoice> StartAsync()
    {
        // Not tied to one caller's token: other fixtures wait on the same start.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var choice = await TestServers.ChooseAsync(CancellationToken.None).ConfigureAwait(false);
        return choice with { Reason = $"{choice.Server}, chosen because {choice.Reason}; ready in {clock.ElapsedMilliseconds} ms" };
    }
}
