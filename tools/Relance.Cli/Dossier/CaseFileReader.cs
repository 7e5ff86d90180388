using System.Text;
using System.Text.RegularExpressions;
using JasperFx.Events;
using Marten;
using Relance.CorrespondenceService.Correspondences;
using Relance.CorrespondenceService.Email;
using Relance.CorrespondenceService.InvoiceDocuments;
using Relance.CorrespondenceService.Writing;
using Relance.InvoiceService.Customers;
using Relance.InvoiceService.Invoices;
using Relance.ReminderService.DunningCases;
using Relance.ReminderService.LatePayment;
using Relance.ServiceDefaults.Audit.PersonalData;
using InvoiceDocumentSet = Relance.CorrespondenceService.InvoiceDocuments.InvoiceDocumentSet;

namespace Relance.Cli.Dossier;

/// <summary>The three services' stores, opened for reading.</summary>
public sealed record DossierStores(IQuerySession Invoice, IQuerySession Reminder, IQuerySession Correspondence);

/// <summary>A case read for its litigation file: what the summary states, the documents to archive, the streams read.</summary>
/// <param name="Streams">Each stream read, by service, for the raw events and the seal heads.</param>
public sealed record CaseRead(CaseFile File, IReadOnlyList<ArchiveFile> Documents, IReadOnlyList<(string Service, string Stream)> Streams);

/// <summary>
/// Reads a dunning case, its invoices, its customer and its correspondences from the services' events, folding each
/// stream with its service's own evolution, and computes penalties and indemnities to the file's date with the
/// Reminder's <see cref="LatePaymentLaw"/>. Every archived document's bytes are checked against the SHA-256 recorded
/// when it was sent: a mismatch refuses the file, naming the document, unless the bytes are the mask an erasure of the
/// debtor's personal data left (relance privacy erase) and that erasure is recorded for the document's stream: the
/// document is then stated as erased, not archived (a closed case can be erased and still go to court).
/// </summary>
public static class CaseFileReader
{
    public static async Task<CaseRead> ReadAsync(DossierStores stores, CaseKey key, DateOnly at, LatePaymentLaw law, CreditorSource creditor, CancellationToken cancellation)
    {
        var caseEvents = await stores.Reminder.Events.FetchStreamAsync(key.StreamKey, token: cancellation);
        if (caseEvents.Count == 0)
            throw new CliException($"There is no dunning case {key.StreamKey} in the Reminder service's store: check --case (company/customer/currency) and --reminder-db.");
        var dunningCase = Fold<DunningCase>(caseEvents, DunningCaseEvolution.Evolve)
            ?? throw new CliException($"The stream {key.StreamKey} of the Reminder service's store is not a dunning case.");
        var streams = new List<(string, string)> { ("reminder", key.StreamKey) };

        // The invoices, as the Invoice service knows them (its events are the ERP's word).
        var numbers = caseEvents.Select(e => e.Data).OfType<InvoiceJoinedCase>().Select(j => j.InvoiceNumber).Distinct().ToList();
        var invoices = new List<CaseFileInvoice>();
        foreach (var number in numbers)
        {
            var streamKey = Invoice.StreamKey(key.CompanyId, number);
            var events = await stores.Invoice.Events.FetchStreamAsync(streamKey, token: cancellation);
            if (Fold<Invoice>(events, InvoiceEvolution.Evolve) is not { Issued: { } issued } invoice) continue;
            streams.Add(("invoice", streamKey));
            invoices.Add(Claimed(invoice, issued, at, law));
        }

        var customerKey = Customer.StreamKey(key.CompanyId, key.CustomerId);
        var described = (await stores.Invoice.Events.FetchStreamAsync(customerKey, token: cancellation)).Where(e => e.Data is CustomerRecorded).LastOrDefault();
        if (described is not null) streams.Add(("invoice", customerKey));

        // The correspondences the case asked for, each with its exact bytes.
        var documents = new List<ArchiveFile>();
        var erased = new List<ErasedDocument>();
        async Task Archive(string name, byte[] bytes, string recorded, string what, string stream)
        {
            if (!IsErasureMask(bytes))
            {
                documents.Add(Checked(name, bytes, recorded, what));
                return;
            }
            // A mask no erasure accounts for was written by someone else: as altered as any other change.
            var erasedAt = await ErasedAtAsync(stores.Correspondence, stream, cancellation)
                ?? throw new CliException($"{name} ({what}): its bytes are an erasure mask, but no erasure of the stream {stream} is recorded (relance.audit_erasures), and its recorded SHA-256 is {recorded}. The file is not built.");
            erased.Add(new ErasedDocument(name, recorded, erasedAt));
        }
        var sent = new Dictionary<Guid, (Correspondence Correspondence, string? Document)>();
        foreach (var requested in caseEvents.Select(e => e.Data).OfType<ReminderRequested>().Where(r => r.Channel != "phone"))
        {
            var id = requested.ReminderId.ToString();
            var events = await stores.Correspondence.Events.FetchStreamAsync(id, token: cancellation);
            if (Fold<Correspondence>(events, CorrespondenceEvolution.Evolve) is not { } correspondence) continue;
            streams.Add(("correspondence", id));
            string? name = null;
            if (correspondence.Rendered is { } rendered)
            {
                name = $"documents/{Day(requested.RequestedAt):yyyy-MM-dd}_{Safe(requested.Step)}_{Safe(requested.Channel)}_{id[..8]}.{Extension(rendered)}";
                await Archive(name, rendered.Bytes(), rendered.ContentSha256, $"correspondence {id}", id);
            }
            if (correspondence.Postal?.AcknowledgmentCard is { } card && correspondence.Postal.Acknowledged is { } signed)
            {
                var scan = $"documents/{signed.SignedOn:yyyy-MM-dd}_{Safe(requested.Step)}_acknowledgment_{id[..8]}.{ScanExtension(card.MediaType)}";
                await Archive(scan, card.Content, card.Sha256, $"the acknowledgment card of correspondence {id}", id);
            }
            sent[requested.ReminderId] = (correspondence, name);
        }

        // The ERP's documents of the invoices (copies, contracts…), kept once per content.
        foreach (var number in numbers)
        {
            var streamKey = InvoiceDocumentSet.StreamKey(key.CompanyId, number);
            var events = await stores.Correspondence.Events.FetchStreamAsync(streamKey, token: cancellation);
            if (Fold<InvoiceDocumentSet>(events, InvoiceDocumentsEvolution.Evolve) is not { } set) continue;
            streams.Add(("correspondence", streamKey));
            for (var position = 0; position < set.Documents.Count; position++)
            {
                if (set.Documents[position] is not { Sha256: { } sha } document) continue;
                var stored = await stores.Correspondence.LoadAsync<StoredContent>(sha, cancellation)
                    ?? throw new CliException($"invoices/{Safe(number)}: the content {sha} of {document.Name} is missing from the Correspondence service's store.");
                await Archive($"invoices/{Safe(number)}/{position + 1:00}_{Safe(document.Kind)}_{Safe(document.Name)}", stored.Content, sha, $"the {document.Kind} of invoice {number}", streamKey);
            }
        }

        var file = new CaseFile(
            key.StreamKey, at, key.Currency,
            creditor.Resolve(key.CompanyId, sent.Values.Select(s => s.Correspondence)),
            Debtor(dunningCase, described),
            invoices,
            CaseStory.Chronology(caseEvents, sent),
            CaseStory.Proofs(caseEvents, sent, documents),
            CaseStory.Facts(caseEvents, key.Currency),
            CaseStory.Notice(dunningCase, sent),
            []) { Erased = erased };
        return new CaseRead(file, Distinct(documents), streams);
    }

    static T? Fold<T>(IReadOnlyList<IEvent> events, Func<T?, object, T?> evolve) where T : class =>
        events.Aggregate((T?)null, (state, e) => evolve(state, e.Data));

    /// <summary>An invoice as the file states it: what was paid, what is owed, penalties and indemnity to <paramref name="at"/>.</summary>
    internal static CaseFileInvoice Claimed(Invoice invoice, InvoiceIssued issued, DateOnly at, LatePaymentLaw law)
    {
        var due = invoice.DueDate ?? issued.DueDate;
        var owed = invoice.Status == InvoiceStatus.Open && invoice.Outstanding > 0;
        var penalty = owed ? law.Penalty(invoice.Outstanding, due, at, issued.LatePenaltyRatePercent) : new PenaltyComputation(0, 0, 0, "rien n'est dû");
        var indemnity = owed && penalty.DaysLate > 0 ? law.IndemnityOn(at) : null;
        return new CaseFileInvoice(issued.InvoiceNumber, issued.IssueDate, due, invoice.AmountIncludingVat, invoice.Paid + invoice.Credited,
            invoice.Outstanding, issued.Currency, invoice.Status.ToString(), penalty, indemnity?.Amount ?? 0, indemnity?.Currency ?? issued.Currency);
    }

    static Debtor Debtor(DunningCase dunningCase, IEvent? described)
    {
        if (described?.Data is CustomerRecorded customer)
        {
            var address = customer.Addresses.FirstOrDefault(a => a.Kind == "billing") ?? customer.Addresses.FirstOrDefault();
            return new Debtor(customer.CustomerId, customer.LegalName, customer.Siren,
                address is null ? [] : [.. address.Lines, $"{address.PostalCode} {address.City}", .. address.Country is "FR" or "" ? Array.Empty<string>() : [address.Country]],
                customer.RecordedAt);
        }
        var known = dunningCase.Customer;
        return new Debtor(known.CustomerId, known.Name, null,
            known.PostalAddress is { } p ? [.. p.Lines, $"{p.PostalCode} {p.City}"] : [], null);
    }

    /// <summary>The document's bytes, refused if their SHA-256 is not the one recorded when it was kept or sent.</summary>
    public static ArchiveFile Checked(string name, byte[] bytes, string recorded, string what)
    {
        var actual = MimeMessages.Sha256(bytes);
        if (!string.Equals(actual, recorded, StringComparison.OrdinalIgnoreCase))
            throw new CliException($"{name} ({what}): its bytes' SHA-256 is {actual}, not the {recorded} recorded for it. The file is not built.");
        return new ArchiveFile(name, bytes);
    }

    /// <summary>
    /// Whether a document's bytes are an erasure mask (<see cref="ErasureMask"/>): a rendered PDF or a scan (bytes, masked as
    /// the base64 of the mask) or an email's MIME, a letter's or an SMS's text (masked as the text) all read back as it.
    /// </summary>
    public static bool IsErasureMask(byte[] bytes) =>
        bytes.Length < 128 && Ascii(bytes) is { } text && ErasureMask.ErasedHmac(text, PersonalValueKind.Text) is not null;

    static string? Ascii(byte[] bytes) => bytes.All(b => b < 0x80) ? Encoding.ASCII.GetString(bytes) : null;

    /// <summary>When the stream was first erased (relance.audit_erasures, written in the erasure's transaction); none when it never was.</summary>
    static async Task<DateTimeOffset?> ErasedAtAsync(IQuerySession store, string stream, CancellationToken cancellation)
    {
        // The ledger is created by the first erasure: a store never erased has none (and a failed query would end the snapshot's transaction).
        if (!(await store.AdvancedSql.QueryAsync<bool>("select to_regclass('relance.audit_erasures') is not null", cancellation)).Single()) return null;
        var erasures = await store.AdvancedSql.QueryAsync<DateTimeOffset>(
            "select erased_at from relance.audit_erasures where ? = any(streams) order by erased_at limit 1", cancellation, stream);
        return erasures.Count == 0 ? null : erasures[0];
    }

    /// <summary>Two documents of the same name (the same content attached twice) are archived once; names otherwise get a suffix.</summary>
    static List<ArchiveFile> Distinct(List<ArchiveFile> documents)
    {
        var kept = new Dictionary<string, ArchiveFile>(StringComparer.Ordinal);
        foreach (var document in documents)
        {
            var name = document.Name;
            for (var n = 2; kept.TryGetValue(name, out var same) && !same.Content.AsSpan().SequenceEqual(document.Content); n++)
                name = $"{Path.ChangeExtension(document.Name, null)}-{n}{Path.GetExtension(document.Name)}";
            kept.TryAdd(name, document with { Name = name });
        }
        return [.. kept.Values];
    }

    static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    static DateOnly Day(DateTimeOffset moment) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(moment, Paris).DateTime);

    /// <summary>A name part safe in any file system: letters, digits, dot, dash and underscore.</summary>
    static string Safe(string part) => Regex.Replace(part, "[^A-Za-z0-9._-]", "-");

    static string Extension(CorrespondenceRendered rendered) => rendered.Pdf is not null ? "pdf" : (rendered.Letter ?? rendered.Sms) is not null ? "txt" : "eml";

    internal static string ScanExtension(string mediaType) => mediaType switch { "application/pdf" => "pdf", "image/png" => "png", "image/jpeg" => "jpg", _ => "bin" };
}
