using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using RabbitMQ.Client.Exceptions;

namespace Relance.ErpSimulator;

/// <summary>
/// Paced traffic of two French companies: mostly new invoices, then payments (full, partial, split), credit notes,
/// corrections, cancellations, disputes and e-invoicing platform statuses (cashed, disputed, approved, and statuses
/// only recorded) of invoices published earlier in the run, and now and then an invalid invoice to show a
/// rejection. Everything is drawn from a seeded <see cref="Random"/>, dates relative to today.
/// </summary>
static class Demo
{
    public sealed record Settings(TimeSpan Interval, int? Count, TimeSpan? Duration, int Seed);

    public static async Task<int> RunAsync(string broker, Settings settings, CancellationToken cancellation)
    {
        var sent = new ConcurrentDictionary<string, (int Seq, string What)>();
        int accepted = 0, rejected = 0;
        void OnAnswer(Answer answer)
        {
            if (!sent.TryRemove(answer.MessageId, out var message)) return; // another ERP's message
            Interlocked.Increment(ref answer.Accepted ? ref accepted : ref rejected);
            Console.WriteLine($"← #{message.Seq,-4} {message.What}: {answer.Describe()}");
        }

        await using var erp = await Erp.ConnectAsync(broker, OnAnswer, publishers: 1, cancellation);
        var traffic = new Traffic(settings.Seed, DateOnly.FromDateTime(DateTime.Now));
        var run = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var limit = settings.Count is { } count ? $"{count} messages" : settings.Duration is { } d ? $"{d.TotalSeconds:0.#} s" : "Ctrl-C";
        Console.WriteLine($"demo: publishing to {Erp.Redact(broker)} every {settings.Interval.TotalSeconds:0.###} s until {limit} (seed {settings.Seed})");

        var clock = Stopwatch.StartNew();
        var published = 0;
        while (!cancellation.IsCancellationRequested
               && (settings.Count is not { } max || published < max)
               && (settings.Duration is not { } duration || clock.Elapsed < duration))
        {
            if (published > 0)
            {
                var pause = Task.Delay(settings.Interval, cancellation);
                if (await Task.WhenAny(pause, erp.Lost) == erp.Lost) throw new SimulatorException(await erp.Lost);
                if (pause.IsCanceled) break;
            }

            var message = traffic.Next();
            var seq = ++published;
            var messageId = $"sim-demo-{run}-{seq:D5}";
            sent[messageId] = (seq, message.What);
            Console.WriteLine($"→ #{seq,-4} {message.CompanyId,-8} {message.What}{message.Detail}");
            try
            {
                await Erp.PublishAsync(erp.Publishers[0], message.RoutingKey, messageId, message.Body, CancellationToken.None);
            }
            catch (PublishReturnException)
            {
                throw new SimulatorException(Erp.NoQueueMessage(message.RoutingKey));
            }
        }

        // The last answers are usually a few milliseconds away.
        for (var waited = 0; !sent.IsEmpty && waited < 50 && !erp.Lost.IsCompleted; waited++) await Task.Delay(100, CancellationToken.None);
        Console.WriteLine($"demo: {published} messages published: {accepted} accepted, {rejected} rejected, {sent.Count} unanswered");
        var unheard = published > 0 && sent.Count == published;
        if (unheard) Console.WriteLine("demo: no answer at all: is Relance's Invoice service running on this broker (deploy/up.sh)?");
        return erp.Lost.IsCompleted || unheard ? 1 : 0;
    }

    /// <summary>One message to publish: its routing key, JSON body and how to print it.</summary>
    sealed record Message(string CompanyId, string RoutingKey, byte[] Body, string What, string Detail);

    sealed class Company(string id, decimal? latePenaltyRatePercent, Customer[] customers)
    {
        public string Id => id;
        public decimal? LatePenaltyRatePercent => latePenaltyRatePercent;
        public Customer[] Customers => customers;
        public int NextInvoice, NextCreditNote, NextPayment, NextCorrection;
    }

    sealed class Invoice(Company company, Customer customer, string number, DateOnly dueDate, decimal excludingVat, decimal includingVat)
    {
        public Company Company => company;
        public Customer Customer => customer;
        public string Number => number;
        public DateOnly DueDate { get; set; } = dueDate;
        public decimal ExcludingVat { get; set; } = excludingVat;
        public decimal IncludingVat { get; set; } = includingVat;
        public decimal Outstanding { get; set; } = includingVat;
        public bool Untouched => Outstanding == IncludingVat && !Corrected;
        public bool Corrected { get; set; }
    }

    sealed class Traffic
    {
        readonly Random random;
        readonly DateOnly today;
        readonly Company[] companies;
        readonly Dictionary<string, int> paymentDays = [];
        readonly List<Invoice> open = []; // as this ERP believes: a deliberately invalid invoice never gets here
        readonly Queue<(Company Company, Customer Customer)> undescribed = new();
        readonly List<(Invoice Invoice, string DisputeId)> disputes = [];
        readonly List<Invoice> contestedOnPlatform = []; // until the platform approves them
        int nextDispute, nextPlatformStatus;

        public Traffic(int seed, DateOnly today)
        {
            random = new Random(seed);
            this.today = today;
            companies =
            [
                new("ACME", 12.0m,
                [
                    new("C-101", "Dupont Menuiserie SARL", "compta@dupont-menuiserie.example"),
                    new("C-102", "Boulangerie Martin SAS", "comptabilite@boulangerie-martin.example"),
                    new("C-103", "Transports Leroy SA", "factures@transports-leroy.example"),
                    new("C-104", "Garage Moreau SARL", "contact@garage-moreau.example"),
                    new("C-105", "Imprimerie Lefèvre SAS", "compta@imprimerie-lefevre.example"),
                ]),
                new("BATIPRO", null,
                [
                    new("C-201", "Cabinet Girard SELARL", "administratif@cabinet-girard.example"),
                    new("C-202", "Électricité Roux EURL", "compta@electricite-roux.example"),
                    new("C-203", "Pâtisserie Fournier SARL", "gestion@patisserie-fournier.example"),
                    new("C-204", "Plomberie Bernard SAS", "factures@plomberie-bernard.example"),
                    new("C-205", "Domaine Lambert SCEA", "compta@domaine-lambert.example"),
                ]),
            ];
            foreach (var company in companies)
            {
                company.NextInvoice = random.Next(100, 500);
                foreach (var customer in company.Customers)
                {
                    paymentDays[customer.CustomerId] = random.Next(2) == 0 ? 30 : 45;
                    undescribed.Enqueue((company, customer));
                }
            }
        }

        public Message Next()
        {
            // An ERP connecting first describes its customers, then sends its traffic.
            if (undescribed.TryDequeue(out var toDescribe)) return Describe(toDescribe.Company, toDescribe.Customer);
            var roll = random.NextDouble();
            var untouched = open.Where(i => i.Untouched && !IsContested(i)).ToList();
            if (disputes.Count > 0 && roll < 0.05) return CloseDispute(Pick(disputes));
            if (open.Count < 4 || roll < 0.40) return Issue();
            if (roll < 0.43) return untouched.Count > 0 ? OpenDispute(Pick(untouched)) : Issue();
            if (roll < 0.51) return PlatformStatus((roll - 0.43) / 0.08, untouched);
            if (roll < 0.62) return Pay(Pick(open), full: true);
            if (roll < 0.74) return Pay(Pick(open), full: false);
            if (roll < 0.80) return SplitPayment() ?? Pay(Pick(open), full: true);
            if (roll < 0.88) return CreditNote(Pick(open));
            if (roll < 0.95) return untouched.Count > 0 ? Correct(Pick(untouched)) : Issue();
            return untouched.Count > 0 ? Cancel(Pick(untouched)) : Issue();
        }

        Message Issue()
        {
            var company = Pick(companies);
            var customer = Pick(company.Customers);
            var issueDate = today.AddDays(-random.Next(0, 91));
            var days = paymentDays[customer.CustomerId];
            var dueDate = issueDate.AddDays(days);
            // Amounts including VAT from 200 to 20,000 €, more small ones than large ones; VAT 20 %.
            var excludingVat = Math.Round((decimal)Math.Exp(Math.Log(200 / 1.2) + random.NextDouble() * Math.Log(100)), random.Next(2) == 0 ? 0 : 2);
            var includingVat = Math.Round(excludingVat * 1.2m, 2);
            var number = $"F-{issueDate.Year}-{++company.NextInvoice:D5}";
            var invalid = random.NextDouble() < 0.04;
            var recipient = invalid ? customer with { Email = customer.Email.Replace("@", " at ") } : customer;
            var body = Erp.Serialize(new InvoiceIssued(company.Id, number, recipient, issueDate, dueDate, excludingVat, includingVat, "EUR",
                new PaymentTerms(days, EndOfMonth: false),
                $"Paiement à {days} jours date de facture. En cas de retard, pénalités au taux annuel de "
                + (company.LatePenaltyRatePercent is { } rate ? $"{rate:0.##} %" : "trois fois le taux d'intérêt légal")
                + " et indemnité forfaitaire pour frais de recouvrement de 40 € (C. com., art. L441-10).",
                company.LatePenaltyRatePercent,
                [new Document("invoice", $"{number}.pdf", "application/pdf",
                    ContentBase64: InvoiceCopy.Base64(company.Id, number, customer.Name, issueDate, dueDate, includingVat))]));
            if (!invalid) open.Add(new Invoice(company, customer, number, dueDate, excludingVat, includingVat));
            var lateness = Math.Abs(dueDate.DayNumber - today.DayNumber);
            var when = dueDate < today ? $"{lateness} day{(lateness > 1 ? "s" : "")} overdue"
                : dueDate == today ? "due today" : $"due in {lateness} day{(lateness > 1 ? "s" : "")}";
            return new Message(company.Id, "invoice.issued", body, $"invoice.issued {number}",
                $" {customer.Name}, {Eur(includingVat)} issued {issueDate:yyyy-MM-dd}, due {dueDate:yyyy-MM-dd} ({when})"
                + (invalid ? $" [deliberately invalid: customer.email '{recipient.Email}']" : ""));
        }

        Message Pay(Invoice invoice, bool full)
        {
            var amount = full ? invoice.Outstanding : Math.Max(1m, Math.Round(invoice.Outstanding * (decimal)(0.3 + 0.4 * random.NextDouble()), 0));
            if (amount >= invoice.Outstanding) (amount, full) = (invoice.Outstanding, true);
            var paymentId = $"VIR-{today.Year}-{++invoice.Company.NextPayment:D5}";
            Apply(invoice, amount);
            var body = Erp.Serialize(new PaymentReceived(invoice.Company.Id, paymentId, amount, "EUR", today, InvoiceNumber: invoice.Number));
            return new Message(invoice.Company.Id, "payment.received", body, $"payment.received {paymentId}",
                $" {Eur(amount)} from {invoice.Customer.Name} for {invoice.Number}"
                + (full ? " (paid in full)" : $" (partial, {Eur(invoice.Outstanding)} still due)"));
        }

        /// <summary>One transfer paying two or three open invoices of the same customer in full.</summary>
        Message? SplitPayment()
        {
            var group = open.GroupBy(i => (i.Company.Id, i.Customer.CustomerId)).Where(g => g.Count() >= 2).ToList();
            if (group.Count == 0) return null;
            var invoices = Pick(group).Take(random.Next(2, 4)).ToList();
            var company = invoices[0].Company;
            var allocations = invoices.Select(i => new Allocation(i.Number, i.Outstanding)).ToList();
            var total = allocations.Sum(a => a.Amount);
            foreach (var invoice in invoices) Apply(invoice, invoice.Outstanding);
            var paymentId = $"VIR-{today.Year}-{++company.NextPayment:D5}";
            var body = Erp.Serialize(new PaymentReceived(company.Id, paymentId, total, "EUR", today, Allocations: allocations));
            return new Message(company.Id, "payment.received", body, $"payment.received {paymentId}",
                $" {Eur(total)} from {invoices[0].Customer.Name} settling {string.Join(" + ", allocations.Select(a => a.InvoiceNumber))}");
        }

        Message CreditNote(Invoice invoice)
        {
            var amount = Math.Max(1m, Math.Round(invoice.Outstanding * (decimal)(0.05 + 0.15 * random.NextDouble()), 2));
            amount = Math.Min(amount, invoice.Outstanding);
            var number = $"AV-{today.Year}-{++invoice.Company.NextCreditNote:D4}";
            Apply(invoice, amount);
            var body = Erp.Serialize(new CreditNoteIssued(invoice.Company.Id, number, invoice.Customer.CustomerId, today, "EUR",
                [new Allocation(invoice.Number, amount)]));
            return new Message(invoice.Company.Id, "credit-note.issued", body, $"credit-note.issued {number}",
                $" {Eur(amount)} on {invoice.Number} for {invoice.Customer.Name} ({Eur(invoice.Outstanding)} still due)");
        }

        Message Correct(Invoice invoice)
        {
            var correctionId = $"K-{++invoice.Company.NextCorrection:D4}";
            invoice.ExcludingVat = Math.Round(invoice.ExcludingVat * 0.9m, 2);
            invoice.IncludingVat = invoice.Outstanding = Math.Round(invoice.ExcludingVat * 1.2m, 2);
            invoice.DueDate = invoice.DueDate.AddDays(15);
            invoice.Corrected = true;
            var body = Erp.Serialize(new InvoiceCorrected(invoice.Company.Id, invoice.Number, correctionId, invoice.DueDate,
                invoice.ExcludingVat, invoice.IncludingVat, "remise commerciale de 10 % accordée, échéance repoussée de 15 jours"));
            return new Message(invoice.Company.Id, "invoice.corrected", body, $"invoice.corrected {invoice.Number}",
                $" ({correctionId}) 10 % discount: now {Eur(invoice.IncludingVat)}, due {invoice.DueDate:yyyy-MM-dd}");
        }

        Message Cancel(Invoice invoice)
        {
            open.Remove(invoice);
            var reason = random.Next(2) == 0 ? "facture émise en double" : "commande annulée par le client";
            var body = Erp.Serialize(new InvoiceCancelled(invoice.Company.Id, invoice.Number, reason));
            return new Message(invoice.Company.Id, "invoice.cancelled", body, $"invoice.cancelled {invoice.Number}",
                $" {invoice.Customer.Name}, {Eur(invoice.IncludingVat)}: {reason}");
        }

        Message Describe(Company company, Customer customer)
        {
            var hold = random.NextDouble() < 0.1 ? new { reason = "négociation commerciale en cours", until = today.AddDays(10).ToString("yyyy-MM-dd") } : null;
            var body = Erp.Serialize(new
            {
                companyId = company.Id, customerId = customer.CustomerId, legalName = customer.Name,
                contacts = new[] { new { role = "billing", name = "Service comptabilité", email = customer.Email } },
                preferredLanguage = "fr", preferredChannel = "email", segment = random.Next(2) == 0 ? "PME" : "TPE",
                dunningHold = hold,
            });
            return new Message(company.Id, "customer.upserted", body, $"customer.upserted {customer.CustomerId}",
                $" {customer.Name} <{customer.Email}>{(hold is null ? "" : $", on hold until {hold.until}")}");
        }

        Message OpenDispute(Invoice invoice)
        {
            var disputeId = $"LIT-{++nextDispute:D4}";
            disputes.Add((invoice, disputeId));
            var reason = Pick(new[] { "not-received", "wrong-amount", "quality" });
            var body = Erp.Serialize(new { companyId = invoice.Company.Id, invoiceNumber = invoice.Number, disputeId, reason, openedOn = today.ToString("yyyy-MM-dd") });
            return new Message(invoice.Company.Id, "dispute.opened", body, $"dispute.opened {invoice.Number}", $" ({disputeId}) {invoice.Customer.Name}: {reason}");
        }

        Message CloseDispute((Invoice Invoice, string DisputeId) dispute)
        {
            disputes.Remove(dispute);
            var body = Erp.Serialize(new
            {
                companyId = dispute.Invoice.Company.Id, invoiceNumber = dispute.Invoice.Number, dispute.DisputeId,
                resolution = "dispute-rejected", closedOn = today.ToString("yyyy-MM-dd"),
            });
            return new Message(dispute.Invoice.Company.Id, "dispute.closed", body, $"dispute.closed {dispute.Invoice.Number}", $" ({dispute.DisputeId}) chased again");
        }

        /// <summary>
        /// What the customer's e-invoicing platform (PDP) said of an invoice, forwarded as the ERP received it, with the
        /// platform's French status names: approved after it had contested one, cashed, contested, or a step of the
        /// invoice's life that Relance only records. <paramref name="roll"/> is where in its band (0 to 1) the roll fell.
        /// </summary>
        Message PlatformStatus(double roll, List<Invoice> untouched)
        {
            if (contestedOnPlatform.Count > 0 && roll < 0.25) return Approved(Pick(contestedOnPlatform));
            var chased = open.Where(i => !IsContested(i)).ToList();
            if (roll < 0.55 && chased.Count > 0) return Cashed(Pick(chased));
            if (roll < 0.85 && untouched.Count > 0) return Contested(Pick(untouched));
            var status = Pick(new[] { "Mise à disposition", "Prise en charge" });
            return Platform(Pick(open), NextStatusId(), status, null, null, " recorded in the invoice's history only");
        }

        Message Cashed(Invoice invoice)
        {
            var amount = invoice.Outstanding;
            Apply(invoice, amount);
            // Forwarded instead of a payment.received for the same money: Relance would count both.
            return Platform(invoice, NextStatusId(), "Encaissée", amount, null, $" {Eur(amount)} cashed, paid in full");
        }

        Message Contested(Invoice invoice)
        {
            contestedOnPlatform.Add(invoice);
            return Platform(invoice, NextStatusId(), "En litige", null, "Quantités livrées inférieures aux quantités facturées", " contested on the customer's platform");
        }

        Message Approved(Invoice invoice)
        {
            contestedOnPlatform.Remove(invoice);
            return Platform(invoice, NextStatusId(), "Approuvée", null, "Litige levé après vérification des bons de livraison", " the platform's dispute is over, chased again");
        }

        string NextStatusId() => $"PDP-{++nextPlatformStatus:D6}";

        Message Platform(Invoice invoice, string statusId, string status, decimal? amount, string? comment, string detail)
        {
            var body = Erp.Serialize(new EInvoicingStatus(invoice.Company.Id, invoice.Number, statusId, status, today, amount, amount is null ? null : "EUR", comment));
            return new Message(invoice.Company.Id, "einvoicing.status", body, $"einvoicing.status {invoice.Number}",
                $" ({statusId}) {status}, {invoice.Customer.Name}:{detail}");
        }

        bool IsContested(Invoice invoice) => disputes.Exists(d => d.Invoice == invoice) || contestedOnPlatform.Contains(invoice);

        void Apply(Invoice invoice, decimal amount)
        {
            invoice.Outstanding -= amount;
            if (invoice.Outstanding > 0) return;
            open.Remove(invoice);
            contestedOnPlatform.Remove(invoice); // paid: nothing left for the platform to approve
        }

        T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

        static string Eur(decimal amount) => amount.ToString("#,##0.00", CultureInfo.InvariantCulture) + " EUR";
    }
}
