using System.Net;
using System.Net.Sockets;

namespace Relance.CorrespondenceService.InvoiceDocuments.KeepingDocuments;

/// <summary>
/// Where a document may be fetched from. The ERP names any URL, and what comes back is emailed to an address the
/// same ERP gives: without this check, a URL on this machine or its network (the cloud's metadata endpoint
/// 169.254.169.254, the message broker's management API, the other services) would send their answers to anyone.
/// The check runs on the addresses the connection is really made to, after DNS resolution, for every connection,
/// redirects included: a public name that resolves to a private address, or redirects to one, is refused too.
/// </summary>
public static class DocumentSources
{
    /// <summary>Why a document is not fetched from <paramref name="address"/>; null when it may be (a public address).</summary>
    public static string? Refusal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address)) return "a loopback address";
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b switch
            {
                [0, ..] => "an unspecified address",
                [10, ..] or [172, >= 16 and <= 31, ..] or [192, 168, ..] => "a private address (RFC 1918)",
                [169, 254, ..] => "a link-local address",
                [>= 224 and <= 239, ..] => "a multicast address",
                [255, 255, 255, 255] => "the broadcast address",
                _ => null,
            };
        }
        if (address.Equals(IPAddress.IPv6Any)) return "an unspecified address";
        if (address.IsIPv6Multicast) return "a multicast address";
        if (address.IsIPv6LinkLocal) return "a link-local address";
        if (address.IsIPv6UniqueLocal || address.IsIPv6SiteLocal) return "a private address (fc00::/7)";
        return null;
    }

    /// <summary>
    /// The handler the document fetcher connects through: only to public addresses, unless
    /// <see cref="DocumentOptions.AllowPrivateNetworks"/>. No proxy: the check must see the document server's own address.
    /// </summary>
    public static SocketsHttpHandler Handler(DocumentOptions options) => new()
    {
        UseProxy = false,
        ConnectCallback = async (context, cancellation) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellation);
            if (!options.AllowPrivateNetworks)
            {
                var refused = addresses.Select(a => (Address: a, Why: Refusal(a))).Where(a => a.Why is not null).ToList();
                addresses = [.. addresses.Except(refused.Select(r => r.Address))];
                if (addresses.Length == 0)
                    throw new DocumentSourceRefusedException(
                        $"{host} is {string.Join(", ", refused.Select(r => $"{r.Why} ({r.Address})"))}: documents are fetched from public addresses only (Correspondence:Documents:AllowPrivateNetworks)");
            }
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellation);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}

/// <summary>A document URL that leads to an address documents are not fetched from: trying again would not change it.</summary>
public sealed class DocumentSourceRefusedException(string message) : Exception(message);
