namespace PgSeed.Engine.Diagnostics;

/// <summary>
/// Wraps an engine entry point so nothing but a <see cref="PgSeedException"/> or, when the caller's token fired,
/// an <see cref="OperationCanceledException"/> leaves it. Whatever a cancellation caused on the way out (the
/// server's "canceling statement" error, a connection closed mid-command) is reported as the cancellation.
/// </summary>
internal static class ErrorBoundary
{
    public static async Task<T> RunAsync<T>(Func<Task<T>> body, Func<Exception, PgSeedException> translate, CancellationToken cancellationToken)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("Cancelled; nothing was left half-written.", e, cancellationToken);
        }
        catch (PgSeedException)
        {
            throw;
        }
        catch (Exception e)
        {
            throw translate(e);
        }
    }
}
