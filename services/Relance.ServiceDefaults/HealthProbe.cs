namespace Relance.ServiceDefaults;

/// <summary>
/// `dotnet Relance.X.dll probe-ready URL` asks a running service whether it is ready and exits 0 or 1: the
/// container images have no curl, so their HEALTHCHECK uses the service's own binary.
/// </summary>
public static class HealthProbe
{
    public static bool Requested(string[] args) => args is ["probe-ready", _];

    public static async Task<int> RunAsync(string[] args)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            return (await http.GetAsync(args[1])).IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return 1;
        }
    }
}
