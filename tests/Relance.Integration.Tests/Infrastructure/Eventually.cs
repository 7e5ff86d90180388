namespace Relance.Integration.Tests.Infrastructure;

public static class Eventually
{
    /// <summary>Polls until the condition holds; fails with what was awaited when it does not in time.</summary>
    public static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, string what, Action? betweenTries = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition()) return;
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or System.Text.Json.JsonException)
            {
                last = e;
            }
            betweenTries?.Invoke();
            await Task.Delay(100);
        }
        throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for: {what}", last);
    }

    public static async Task<T> Get<T>(Func<Task<T?>> attempt, TimeSpan timeout, string what, Action? betweenTries = null) where T : class
    {
        T? result = null;
        await Until(async () => (result = await attempt()) is not null, timeout, what, betweenTries);
        return result!;
    }
}
