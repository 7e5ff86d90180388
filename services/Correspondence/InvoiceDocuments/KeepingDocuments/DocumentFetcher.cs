using System.Net;

namespace Relance.CorrespondenceService.InvoiceDocuments.KeepingDocuments;

public abstract record FetchOutcome
{
    public sealed record Fetched(byte[] Content) : FetchOutcome;
    public sealed record Failed(string Reason, int Attempts) : FetchOutcome;
}

/// <summary>
/// Fetches a document the ERP sent by URL: a few tries with growing pauses when the server fails or does not
/// answer in time, none when it refuses (4xx), the document is larger than <see cref="DocumentOptions.MaxBytes"/>
/// or the URL leads to an address documents are not fetched from (<see cref="DocumentSources"/>).
/// </summary>
public sealed class DocumentFetcher(HttpClient http, DocumentOptions options, ILogger<DocumentFetcher> logger)
{
    public async Task<FetchOutcome> FetchAsync(string url, CancellationToken cancellation)
    {
        var delay = options.FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            var (content, reason, retryable) = await TryOnce(url, cancellation);
            if (content is not null) return new FetchOutcome.Fetched(content);
            if (!retryable || attempt >= options.Attempts) return new FetchOutcome.Failed(reason!, attempt);
            logger.LogInformation("Fetching {Url} failed ({Reason}); trying again in {Delay}", url, reason, delay);
            await Task.Delay(delay, cancellation);
            delay *= 2;
        }
    }

    async Task<(byte[]? Content, string? Reason, bool Retryable)> TryOnce(string url, CancellationToken cancellation)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(options.Timeout);
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
                return (null, $"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}",
                    (int)response.StatusCode >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests);
            if (response.Content.Headers.ContentLength > options.MaxBytes)
                return (null, TooLarge(url, response.Content.Headers.ContentLength.Value), false);

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk, timeout.Token)) > 0)
            {
                // A server may announce no length, or a false one: count what actually comes.
                if (buffer.Length + read > options.MaxBytes) return (null, TooLarge(url, null), false);
                buffer.Write(chunk, 0, read);
            }
            return (buffer.ToArray(), null, true);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return (null, $"{url} did not answer within {options.Timeout}", true);
        }
        catch (HttpRequestException e) when (e.InnerException is DocumentSourceRefusedException refused)
        {
            return (null, $"{url} refused: {refused.Message}", false);
        }
        catch (HttpRequestException e)
        {
            return (null, $"{url}: {e.Message}", true);
        }
    }

    string TooLarge(string url, long? length) =>
        $"{url} is {(length is { } l ? $"{l} bytes" : "larger than that")}; at most {options.MaxBytes} bytes are kept";
}
