using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Email;
using Relance.CorrespondenceService.Letters;
using Relance.ServiceDefaults;

namespace Relance.CorrespondenceService.Writing;

/// <summary>
/// A library is tried before it is used: the template of each family in each language it holds is rendered
/// with a sample request that has everything (earlier actions, claims, a postponed due date, a payment clause,
/// bank details), by email, by letter and by SMS; a formal notice must carry every mandatory mention.
/// </summary>
static class TemplateSamples
{
    static readonly Letterhead From = new("Exemple SAS", "Service recouvrement", "recouvrement@exemple.test", ["1 place de l'Exemple", "69002 Lyon"])
    {
        Bank = new BankDetails { AccountHolder = "Exemple SAS", Iban = "FR76 3000 6000 0112 3456 7890 189", Bic = "AGRIFRPPXXX", BankName = "Banque Exemple" },
    };

    static CorrespondenceRequested Sample(TemplateKind kind, string language, string channel) =>
        new(Guid.Empty, "SAMPLE/C1/EUR", "SAMPLE", Templates.Family(kind), channel,
            new Recipient("C1", "Client Exemple SARL", "compta@client.test")
            {
                ContactName = "Mme Martin",
                PostalAddress = new PostalAddress(["12 rue de la Paix"], "75002", "Paris", "France"),
            },
            [
                new ChasedInvoice("F-1", new(2026, 10, 1), new(2026, 10, 31), 1200m, "EUR") { PaymentClause = "Paiement à 30 jours date de facture.", OriginalDueDate = new(2026, 10, 20) },
                new ChasedInvoice("F-2", new(2026, 10, 15), new(2026, 12, 14), 345.5m, "EUR"),
            ],
            new(2026, 11, 23), DateTimeOffset.UnixEpoch)
        {
            Tone = kind switch { TemplateKind.FormalNotice => Tones.Formal, TemplateKind.ReminderLetter or TemplateKind.WarningLetter => Tones.Firm, _ => Tones.Courteous },
            PaymentDeadlineDays = 8,
            Language = language,
            Claims = [new Claim("F-1", 23, 12.15m, "taux BCE majoré de 10 points", 9.19m, "EUR", 40m, "EUR")],
            PreviousActions = [new PreviousAction("first-call", "phone", new(2026, 11, 4, 9, 30, 0, TimeSpan.Zero)), new PreviousAction("email-reminder", "email", new(2026, 11, 12, 8, 0, 0, TimeSpan.Zero))],
        };

    public static IEnumerable<string> Problems(TemplateLibrary library)
    {
        var languages = library.All.Select(f => f.Language).Distinct().Order(StringComparer.Ordinal);
        foreach (var language in languages)
        foreach (var kind in Enum.GetValues<TemplateKind>())
        {
            var file = library.Find(Templates.Family(kind), language);
            if (file is null) { yield return $"no template for {Templates.Family(kind)}, in {language} nor in French"; continue; }
            foreach (var channel in new[] { Channels.Email, Channels.RegisteredLetter })
            {
                var frame = channel == Channels.Email ? null : library.Find(Templates.LetterFamily, file.Language);
                var problem = Try(frame is null ? file.Path : $"{file.Path} (in the frame of {frame.Path})", () =>
                {
                    var request = Sample(kind, language, channel);
                    if (channel == Channels.Email) ReminderEmail.Render(request, From, library);
                    else ReminderLetter.Write(request, From, library);
                });
                if (problem is not null) yield return problem;
            }
            var sms = library.Find(Templates.SmsFamily(kind), language);
            if (sms is null) { yield return $"no template for {Templates.SmsFamily(kind)}, in {language} nor in French"; continue; }
            if (Try(sms.Path, () => SmsTexts.Sms(Sample(kind, language, "sms"), From, library)) is { } smsProblem) yield return smsProblem;
        }
    }

    static string? Try(string files, Action render)
    {
        try
        {
            render();
            return null;
        }
        catch (TemplateException e)
        {
            return e.Message;
        }
        catch (MessageRejectedException e)
        {
            return $"{files}: with sample data, {e.Message}";
        }
    }
}
