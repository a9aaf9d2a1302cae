using System.Runtime.InteropServices;

namespace PgSeed.Cli;

/// <summary>
/// Turns SIGINT (Ctrl+C) and SIGTERM into a cancelled token instead of an instant death, so the run stops its
/// server-side statements, rolls back, removes its temporary files and exits with one <c>PGSEED060</c> line
/// (exit code 130). A second Ctrl+C while that happens ends the process at once.
/// </summary>
internal sealed class Interrupts : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly List<PosixSignalRegistration> _registrations = new();
    private int _signals;

    public Interrupts()
    {
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
            _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
    }

    public CancellationToken Token => _cancellation.Token;

    /// <summary>The signal that cancelled the run, if any (for the message).</summary>
    public PosixSignal? Received { get; private set; }

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _signals) > 1)
        {
            // Second signal: the default action (terminate now).
            context.Cancel = false;
            return;
        }
        context.Cancel = true;
        Received = context.Signal;
        // Not on the signal thread: cancellation callbacks talk to the server.
        _ = Task.Run(_cancellation.Cancel);
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _cancellation.Dispose();
    }
}
