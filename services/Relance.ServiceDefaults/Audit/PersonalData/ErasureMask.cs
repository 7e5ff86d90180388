using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Relance.ServiceDefaults.Audit.PersonalData;

/// <summary>
/// How a personal value is erased and how it enters a seal. A value v at pointer p of a stream is represented, in the
/// hashed form of its event, by HMAC-SHA256(the stream's key, p ‖ 0x00 ‖ v): the seal depends on the value (a change is
/// seen) without containing it. Erasing it writes <c>[erased hmac-sha256:&lt;that hex&gt;]</c> in its place, so the hashed
/// form, and with it the chain, is unchanged; the stream's key is then deleted, and the mask no longer links to anyone
/// (a guessed value cannot be checked against it).
/// </summary>
public static partial class ErasureMask
{
    const string Prefix = "[erased hmac-sha256:";
    /// <summary>The length of a text mask: the prefix, 64 hex digits, the closing bracket.</summary>
    const int TextLength = 85;
    /// <summary>The length of a base64 mask: the base64 of the 85 bytes of a text mask.</summary>
    const int Base64Length = 116;

    [GeneratedRegex("^\\[erased hmac-sha256:([0-9a-f]{64})\\]$")]
    private static partial Regex MaskPattern();

    public static string Hmac(byte[] key, string pointer, string value)
    {
        var message = Encoding.UTF8.GetBytes($"{pointer}\0{value}");
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, message));
    }

    public static string Mask(string hmacHex, PersonalValueKind kind)
    {
        var text = $"{Prefix}{hmacHex}]";
        return kind == PersonalValueKind.Base64 ? Convert.ToBase64String(Encoding.ASCII.GetBytes(text)) : text;
    }

    /// <summary>The HMAC an erased value carries; none when the value is not a (well-formed) mask.</summary>
    public static string? ErasedHmac(string value, PersonalValueKind kind)
    {
        if (kind == PersonalValueKind.Base64)
        {
            if (value.Length != Base64Length) return null;
            var bytes = new byte[TextLength];
            if (!Convert.TryFromBase64String(value, bytes, out var written) || written != TextLength) return null;
            value = Encoding.ASCII.GetString(bytes);
        }
        return value.Length == TextLength && MaskPattern().Match(value) is { Success: true } m ? m.Groups[1].Value : null;
    }

    /// <summary>Looks like an erasure mask but is not one: a mask altered by hand.</summary>
    public static bool LooksErased(string value, PersonalValueKind kind) =>
        kind == PersonalValueKind.Text ? value.StartsWith("[erased", StringComparison.Ordinal)
        : value.StartsWith(Convert.ToBase64String(Encoding.ASCII.GetBytes("[erased"))[..8], StringComparison.Ordinal);

    /// <summary>
    /// The event's data as it enters its seal: each personal value replaced by <c>hmac-sha256:&lt;hex&gt;</c>, whether still
    /// there (computed with the stream's key) or erased (read from its mask). Data with no personal path is taken as stored.
    /// <paramref name="problems"/> tells what cannot be right: a mask altered by hand, or a value in clear in a stream
    /// whose key was erased (written back after the erasure).
    /// </summary>
    public static string HashedForm(string data, IReadOnlyList<PersonalPath> paths, byte[]? key, List<string> problems)
    {
        if (paths.Count == 0) return data;
        var root = JsonNode.Parse(data);
        var found = paths.SelectMany(p => p.Find(root)).ToList();
        if (found.Count == 0) return data;
        foreach (var value in found)
        {
            if (ErasedHmac(value.Value, value.Kind) is { } erased) value.Replace($"hmac-sha256:{erased}");
            else if (LooksErased(value.Value, value.Kind)) problems.Add($"{value.Pointer}: an erasure mask altered (not of the form {Prefix}<64 hex>])");
            else if (key is null) problems.Add($"{value.Pointer}: a personal value in clear, though the stream's key was erased");
            else value.Replace($"hmac-sha256:{Hmac(key, value.Pointer, value.Value)}");
        }
        return root!.ToJsonString();
    }

    /// <summary>The data with every personal value not yet erased replaced by its mask; the count of values masked.</summary>
    public static (string Data, int Masked) Erase(string data, IReadOnlyList<PersonalPath> paths, byte[] key)
    {
        if (paths.Count == 0) return (data, 0);
        var root = JsonNode.Parse(data);
        var masked = 0;
        foreach (var value in paths.SelectMany(p => p.Find(root)).ToList())
        {
            if (ErasedHmac(value.Value, value.Kind) is not null) continue;
            value.Replace(Mask(Hmac(key, value.Pointer, value.Value), value.Kind));
            masked++;
        }
        return masked == 0 ? (data, 0) : (root!.ToJsonString(), masked);
    }
}
