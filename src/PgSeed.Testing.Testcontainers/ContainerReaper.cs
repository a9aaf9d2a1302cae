using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using PgSeed.Testing.Servers;

namespace PgSeed.Testing.Testcontainers;

/// <summary>
/// Labels PgSeed's containers with their owner process (host, pid, start time) and removes those whose owner is gone:
/// a test process killed mid-run leaves its container behind only until the next run starts one.
/// </summary>
internal static class ContainerReaper
{
    public const string Label = "org.pgseed.testing";
    public const string ReuseLabel = "org.pgseed.testing.reuse";
    private const string HostLabel = "org.pgseed.owner.host";
    private const string PidLabel = "org.pgseed.owner.pid";
    private const string StartLabel = "org.pgseed.owner.start"; // the start time earlier versions read
    private const string StampLabel = "org.pgseed.owner.stamp"; // the clock-proof stamp this version reads

    public static IReadOnlyDictionary<string, string> Labels()
    {
        return new Dictionary<string, string>
        {
            [Label] = "1",
            [HostLabel] = Environment.MachineName,
            [PidLabel] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            [StartLabel] = ProcessStamp.LegacyCurrent,
            [StampLabel] = ProcessStamp.Current,
        };
    }

    /// <summary>Removes this host's PgSeed containers whose owner process has exited. Best effort, bounded.</summary>
    public static async Task<int> ReapAbandonedAsync(Func<DockerClient> createClient, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        var removed = 0;
        try
        {
            using var client = createClient();
            var containers = await client.Containers.ListContainersAsync(new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{Label}=1"] = true } },
            }, timeout.Token).ConfigureAwait(false);
            foreach (var container in containers)
            {
                if (!container.Labels.TryGetValue(HostLabel, out var host) || host != Environment.MachineName) continue; // another machine's
                if (OwnerAlive(container.Labels)) continue;
                await client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, timeout.Token)
                    .ConfigureAwait(false);
                removed++;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Reaping is housekeeping: a failure here must not stop the tests.
        }
        return removed;
    }

    private static bool OwnerAlive(IDictionary<string, string> labels) =>
        labels.TryGetValue(PidLabel, out var pidText) && int.TryParse(pidText, CultureInfo.InvariantCulture, out var pid)
        && (labels.TryGetValue(StampLabel, out var stamp) || labels.TryGetValue(StartLabel, out stamp)) && ProcessStamp.IsAlive(pid, stamp);
}
