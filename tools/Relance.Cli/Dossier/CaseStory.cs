using JasperFx.Events;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Writing;
using Relance.ReminderService.DunningCases;

namespace Relance.Cli.Dossier;

/// <summary>
/// What a case's events tell a lawyer, in French as the summary prints it: the chronology of the chase, the proofs of
/// each document sent, the promises, payment plans and disputes, and the formal notice with its deadline (counted, as
/// the Reminder service counts it, from the day the registered letter is proven received).
/// </summary>
static class CaseStory
{
    public static IReadOnlyList<ChronologyEntry> Chronology(IReadOnlyList<IEvent> caseEvents, Dictionary<Guid, (Correspondence Correspondence, string? Document)> sent)
    {
        var entries = new List<ChronologyEntry>();
        foreach (var data in caseEvents.Select(e => e.Data))
        {
            switch (data)
            {
                case ReminderRequested r when r.Channel == "phone":
                    entries.Add(new(r.RequestedAt, r.Step, r.Channel, "appel à passer" + (r.Recipient.Phone is { } phone ? $" au {phone}" : ""), Numbers(r.Invoices), null));
                    break;
                case ReminderRequested r:
                    var (correspondence, document) = sent.TryGetValue(r.ReminderId, out var found) ? found : (null, null);
                    entries.Add(new(r.RequestedAt, r.Step, r.Channel, What(r, correspondence) + (r.RequestedBy is { } by ? $", à la demande de {by}" : ""), Numbers(r.Invoices), document));
                    break;
                case CallLogged c:
                    entries.Add(new(c.At, "appel", "phone", $"appel de {c.By}, issue : {c.Outcome}" + (c.ContactName is { } contact ? $", interlocuteur {contact}" : "")
                        + (c.Notes is { Length: > 0 } notes ? $", notes : {notes}" : ""), [], null));
                    break;
                case ActionApproved a:
                    entries.Add(new(a.ApprovedAt, a.Step, null, $"approuvée par {a.By}" + (a.Comment is { Length: > 0 } comment ? $" ({comment})" : ""), [], null));
                    break;
                case ActionRefused a:
                    entries.Add(new(a.RefusedAt, a.Step, null, $"refusée par {a.By} : {a.Reason}", [], null));
                    break;
                case ReminderWithdrawn w:
                    entries.Add(new(w.WithdrawnAt, "relance retirée", null, w.Reason, [.. w.LeftOut], null));
                    break;
                case CaseHandedToLitigation h:
                    entries.Add(new(h.HandedOverAt, h.Step, null, $"dossier transmis au contentieux : {h.Reason}", Numbers(h.Invoices), null));
                    break;
            }
        }
        return entries;
    }

    static string What(ReminderRequested requested, Correspondence? correspondence) => correspondence switch
    {
        null => "demandée au service Correspondence, qui ne l'a pas enregistrée",
        { Sent: { } sent } => $"envoyée à {sent.Recipient}",
        { QueuedForPosting: { } queued } => $"adressée à {queued.Addressee}, {string.Join(", ", [.. queued.Address.Lines, $"{queued.Address.PostalCode} {queued.Address.City}"])}",
        { Refused: { } refused } => $"refusée au rendu : {string.Join(", ", refused.Reasons.Select(r => r.Error))}",
        { Abandoned: { } abandoned } => $"abandonnée : {abandoned.Reason}",
        { Withdrawn: { } withdrawn } => $"retirée avant envoi : {withdrawn.Reason}",
        var other => $"non envoyée (état {other.Status})",
    };

    public static IReadOnlyList<DeliveryProof> Proofs(IReadOnlyList<IEvent> caseEvents, Dictionary<Guid, (Correspondence Correspondence, string? Document)> sent, List<ArchiveFile> documents)
    {
        var proofs = new List<DeliveryProof>();
        foreach (var requested in caseEvents.Select(e => e.Data).OfType<ReminderRequested>())
        {
            if (!sent.TryGetValue(requested.ReminderId, out var found) || found is not ({ Rendered: { } rendered } c, { } document)) continue;
            var notes = new List<string>();
            if (rendered.TemplateSha256 is { } template) notes.Add($"modèle {rendered.Template} (SHA-256 {template})");
            if (c.Sent?.ProviderMessageId is { } messageId) notes.Add($"identifiant du message {messageId}");
            if (c.Sent is { } s) notes.Add($"réponse du prestataire : {s.ProviderResponse}");
            notes.AddRange(rendered.Attachments.Select(a => $"pièce jointe {a.Name} ({a.InvoiceNumber}, SHA-256 {a.Sha256})"));
            notes.AddRange(rendered.MissingAttachments.Select(m => $"pièce jointe manquante {m.Name} ({m.InvoiceNumber}) : {m.Reason}"));
            if (c.Delivery is { } delivery) notes.Add($"rapport de remise du {SummaryPdf.When(delivery.ReportedAt)} : {delivery.Status}");
            notes.AddRange(c.Bounces.Select(b => $"rejeté le {SummaryPdf.When(b.BouncedAt)} par le système de messagerie ({b.StatusCode} {b.Diagnostic})"));
            if (c.Postal?.HandedOver is { } handedOver) notes.Add($"remise au prestataire postal {handedOver.Provider} le {SummaryPdf.When(handedOver.HandedOverAt)}");
            if (c.Postal?.Returned is { } returned)
                notes.Add($"retourné le {French.Date(returned.ReturnedOn)} ({returned.Reason}{(returned.FirstPresentedOn is { } first ? $", présenté le {French.Date(first)}" : "")})");
            var card = c.Postal?.AcknowledgmentCard;
            var scan = card is null ? null : documents.FirstOrDefault(d => d.Name.Contains("_acknowledgment_") && d.Name.EndsWith($"{c.Id[..8]}.{CaseFileReader.ScanExtension(card.MediaType)}", StringComparison.Ordinal))?.Name;
            proofs.Add(new DeliveryProof(document, requested.Step, requested.Channel, rendered.ContentSha256,
                c.Sent?.SentAt ?? c.QueuedForPosting?.QueuedAt,
                c.Postal?.Posted?.TrackingNumber, c.Postal?.Posted?.PostedOn, c.Postal?.Delivered?.DeliveredOn, c.Postal?.Acknowledged?.SignedOn,
                scan is null ? null : $"{scan} (SHA-256 {card!.Sha256})", notes));
        }
        return proofs;
    }

    public static IReadOnlyList<CaseFact> Facts(IReadOnlyList<IEvent> caseEvents, string currency)
    {
        string Money(decimal amount) => French.Money(amount, currency);
        string Invoices(IEnumerable<ArrangedInvoice> arranged) => string.Join(", ", arranged.Select(i => i.InvoiceNumber));
        return [.. caseEvents.Select(e => e.Data).Select(data => data switch
        {
            PaymentPromised p => new CaseFact(p.At, "promesse de paiement",
                $"{Money(p.Amount)} au plus tard le {French.Date(p.PromisedFor)} ({Invoices(p.Invoices)}), enregistrée par {p.By}{(p.Notes is { Length: > 0 } n ? $" : {n}" : "")}"),
            PaymentPromiseKept k => new CaseFact(k.At, "promesse tenue", $"{Money(k.Paid)} payés"),
            PaymentPromiseBroken b => new CaseFact(b.At, "promesse non tenue", $"{Money(b.Paid)} payés sur {Money(b.Promised)} promis : {b.Reason}"),
            PaymentPlanAgreed p => new CaseFact(p.At, "échéancier accordé",
                $"{string.Join(", ", p.Instalments.Select(i => $"{Money(i.Amount)} le {French.Date(i.DueDate)}"))} ({Invoices(p.Invoices)}), par {p.By} : {p.Reason}"),
            InstalmentPaid i => new CaseFact(i.At, "échéance payée", $"échéance n° {i.Number}, {Money(i.PaidToDate)} payés à ce jour"),
            PaymentPlanBroken b => new CaseFact(b.At, "échéancier non respecté", $"échéance n° {b.MissedInstalment} manquée, {Money(b.PaidToDate)} payés sur {Money(b.DueToDate)} dus : {b.Reason}"),
            PaymentPlanCompleted c => new CaseFact(c.At, "échéancier soldé", $"{Money(c.Paid)} payés"),
            InvoiceDisputed d => new CaseFact(d.RecordedAt, "litige ouvert", $"{d.InvoiceNumber} : {d.Reason}{(d.Category is { } k ? $" ({k})" : "")}, enregistré par {d.By}"),
            InvoiceDisputeClosed d => new CaseFact(d.RecordedAt, "litige clos", $"{d.InvoiceNumber} : {d.Resolution}{(d.Outcome is { } o ? $" ({o})" : "")}, par {d.By}"),
            _ => null,
        }).OfType<CaseFact>()];
    }

    public static FormalNotice? Notice(DunningCase dunningCase, Dictionary<Guid, (Correspondence Correspondence, string? Document)> sent)
    {
        if (dunningCase.Letters.LastOrDefault(l => l.Channel == "registered-letter" && l.PaymentDeadlineDays is not null) is not { PaymentDeadlineDays: { } days } letter)
            return null;
        var (correspondence, document) = sent.TryGetValue(letter.ReminderId, out var found) ? found : (null, null);
        var (receivedOn, how) = (letter.AcknowledgedOn, letter.Returned) switch
        {
            ({ } signed, _) => ((DateOnly?)signed, "accusé de réception signé"),
            (_, { Reason: "unclaimed" } r) => (r.FirstPresentedOn ?? r.ReturnedOn, "pli avisé et non réclamé, date de première présentation"),
            (_, { Reason: "refused" } r) => (r.FirstPresentedOn ?? r.ReturnedOn, "pli refusé par le destinataire, date de présentation"),
            (_, { } r) => (null, $"retournée le {French.Date(r.ReturnedOn)} ({r.Reason}) : aucune preuve de réception"),
            _ => (null, "aucune preuve de réception à ce jour"),
        };
        return new FormalNotice(correspondence?.QueuedForPosting?.QueuedAt ?? letter.RequestedAt, letter.Channel, document, days,
            correspondence?.Postal?.Posted?.TrackingNumber, letter.PostedOn, receivedOn, how, receivedOn?.AddDays(days));
    }

    static List<string> Numbers(IEnumerable<RemindedInvoice> invoices) => [.. invoices.Select(i => i.InvoiceNumber)];
}
