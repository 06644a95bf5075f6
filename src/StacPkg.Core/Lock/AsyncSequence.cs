using System.Runtime.CompilerServices;

namespace StacPkg.Core.Lock;

/// <summary>Lets the synchronous overloads share the streaming code path.</summary>
internal static class AsyncSequence
{
    public static async IAsyncEnumerable<T> From<T>(IEnumerable<T> items, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }
}
