using Microsoft.Extensions.Configuration;
using PdfSharp.Pdf.IO;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Email;

namespace Relance.Cli.Dossier;

/// <summary>
/// Who the creditor is. The events do not record the creditor's address: it is the Correspondence service's
/// configuration (<c>Correspondence:Sender</c>), read from the appsettings file given with <c>--creditor-config</c>.
/// Without it, the name is the one the letters sent bear (their PDF's author, which their SHA-256 covers), with no address.
/// </summary>
public sealed class CreditorSource(SenderIdentity? configured, string? origin)
{
    public static CreditorSource From(string? appsettingsPath)
    {
        if (appsettingsPath is null) return new CreditorSource(null, null);
        if (!File.Exists(appsettingsPath)) throw new CliException($"--creditor-config {appsettingsPath}: no such file.");
        var sender = new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(appsettingsPath), optional: false).Build()
            .GetSection("Correspondence:Sender").Get<SenderIdentity>()
            ?? throw new CliException($"--creditor-config {appsettingsPath}: it has no Correspondence:Sender section (the creditor's name and address, as the Correspondence service is configured).");
        return new CreditorSource(sender, appsettingsPath);
    }

    public Creditor Resolve(string companyId, IEnumerable<Correspondence> sent)
    {
        if (configured is not null)
            return new Creditor(companyId, configured.CreditorName(companyId), configured.Addresses.GetValueOrDefault(companyId) ?? [],
                $"configuration Correspondence:Sender du service Correspondence ({Path.GetFileName(origin)})");
        var fromLetters = sent.Select(c => c.Rendered?.Pdf).OfType<byte[]>().Where(pdf => !CaseFileReader.IsErasureMask(pdf)).Select(Author).FirstOrDefault(a => !string.IsNullOrWhiteSpace(a));
        return fromLetters is not null
            ? new Creditor(companyId, fromLetters, [], "l'en-tête des lettres envoyées ; adresse non enregistrée dans les événements (--creditor-config)")
            : new Creditor(companyId, companyId, [], "identifiant de la société ; nom et adresse non enregistrés dans les événements (--creditor-config)");
    }

    static string? Author(byte[] pdf)
    {
        using var document = PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Import);
        return document.Info.Author;
    }
}
