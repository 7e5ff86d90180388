using Marten;
using MassTransit;
using Relance.ReminderService.DunningCases;
using Relance.ReminderService.DunningCases.AddingInvoice;
using Relance.ReminderService.DunningCases.ChangingBalance;
using Relance.ReminderService.DunningCases.ChangingCustomer;
using Relance.ReminderService.DunningCases.Disputing;
using Relance.ReminderService.DunningCases.RemovingInvoice;
using Relance.ReminderService.DunningPlans;
using Relance.ReminderService.LatePayment;
using Relance.ServiceDefaults;
using Invoicing = Relance.Contracts.Invoicing;

namespace Relance.ReminderService.Integration.Incoming;

// Each consumer only translates an Invoice-service announcement into a command on the customer's case.
// Redeliveries are harmless: the decider knows which invoices the case has seen.

public sealed class InvoiceRegisteredConsumer(IDocumentSession session, DunningPolicy policy, LatePaymentLaw law, PlanCatalog plans, TimeProvider clock)
    : IConsumer<Invoicing.InvoiceRegistered>
{
    public async Task Consume(ConsumeContext<Invoicing.InvoiceRegistered> context)
    {
        var m = context.Message;
        session.AttributeTo(context);
        var caseId = DunningCase.StreamKey(m.CompanyId, m.CustomerId, m.Currency);
        if (await session.LoadAsync<InvoiceClosedBeforeJoining>(InvoiceClosedBeforeJoining.Key(caseId, m.InvoiceNumber), context.CancellationToken) is not null)
            return; // settled or cancelled already: nothing to chase
        // The customer as the ERP last described it, if it did, prevails over the invoice's copy: when it lists
        // contacts, they are the ones to use, even if none has an email (it is then written to).
        var profile = await session.LoadAsync<CustomerProfile>(CustomerProfile.Key(m.CompanyId, m.CustomerId), context.CancellationToken);
        var customer = profile?.Customer is { } described
            ? described.Contacts.IsEmpty ? described with { Email = m.CustomerEmail } : described
            : new CaseCustomer(m.CustomerId, m.CustomerName, m.CustomerEmail);
        var (plan, why) = await plans.PlanFor(m.CompanyId, profile, context.CancellationToken);
        await AddInvoiceToCaseHandler.Handle(session, new AddInvoiceToCase(
                m.CompanyId, customer, m.Currency, m.InvoiceNumber, m.IssueDate, m.DueDate, m.Outstanding, plan, why, clock.GetUtcNow())
            {
                Hold = profile?.Hold,
                LatePenaltyRatePercent = m.LatePenaltyRatePercent,
                PaymentClause = m.PaymentClause,
            },
            policy, law, context.CancellationToken);
        await EarlyNews.ApplyAsync(session, caseId, m.InvoiceNumber, clock.GetUtcNow(), context.CancellationToken);
    }
}

public sealed class InvoiceBalanceChangedConsumer(IDocumentSession session, TimeProvider clock)
    : IConsumer<Invoicing.InvoiceBalanceChanged>
{
    public Task Consume(ConsumeContext<Invoicing.InvoiceBalanceChanged> context)
    {
        var m = context.Message;
        session.AttributeTo(context);
        return ChangeInvoiceBalanceHandler.Handle(session, new ChangeInvoiceBalance(
            DunningCase.StreamKey(m.CompanyId, m.CustomerId, m.Currency), m.InvoiceNumber, m.Outstanding, m.DueDate, m.Reason, clock.GetUtcNow()),
            context.CancellationToken);
    }
}

/// <summary>A settled or cancelled invoice leaves its case: the same decision, for two reasons.</summary>
public sealed class InvoiceClosedConsumer(IDocumentSession session, TimeProvider clock)
    : IConsumer<Invoicing.InvoiceSettled>, IConsumer<Invoicing.InvoiceCancelled>
{
    public Task Consume(ConsumeContext<Invoicing.InvoiceSettled> context)
    {
        var m = context.Message;
        session.AttributeTo(context);
        return Remove(context, DunningCase.StreamKey(m.CompanyId, m.CustomerId, m.Currency), m.InvoiceNumber, "settled");
    }

    public Task Consume(ConsumeContext<Invoicing.InvoiceCancelled> context)
    {
        var m = context.Message;
        session.AttributeTo(context);
        return Remove(context, DunningCase.StreamKey(m.CompanyId, m.CustomerId, m.Currency), m.InvoiceNumber, "cancelled");
    }

    Task Remove(ConsumeContext context, string caseId, string invoiceNumber, string reason) =>
        RemoveInvoiceFromCaseHandler.Handle(session, new RemoveInvoiceFromCase(caseId, invoiceNumber, reason, clock.GetUtcNow()), context.CancellationToken);
}

/// <summary>A dispute opened on an invoice takes it out of the chase; closed, it brings it back.</summary>
public sealed class InvoiceDisputeConsumer(IDocumentSession session, TimeProvider clock)
    : IConsumer<Invoicing.InvoiceDisputed>, IConsumer<Invoicing.InvoiceDisputeClosed>
{
    public Task Consume(ConsumeContext<Invoicing.InvoiceDisputed> context)
    {
        var m = context.Message;
        session.AttributeTo(context);
        return Record(context, new RecordDispute(DunningCase.StreamKey(m.CompanyId, m.CustomerId, m.Currency), m.InvoiceNumber, m.DisputeId, Opened: true, m.Reason, clock.GetUtcNow()));
    }

    public Task Consume(ConsumeContext<Invoicing.InvoiceDisputeClosed> context)
    {
        var m = context.Message;
        session.AttributeTo(context);
        return Record(context, new RecordDispute(DunningCase.StreamKey(m.CompanyId, m.CustomerId, m.Currency), m.InvoiceNumber, m.DisputeId, Opened: false, m.Resolution, clock.GetUtcNow()));
    }

    Task Record(ConsumeContext context, RecordDispute command) => RecordDisputeHandler.Handle(session, command, context.CancellationToken);
}

public sealed class CustomerUpdatedConsumer(IDocumentSession session, TimeProvider clock) : IConsumer<Invoicing.CustomerUpdated>
{
    public Task Consume(ConsumeContext<Invoicing.CustomerUpdated> context)
    {
        var m = context.Message;
        session.AttributeTo(context);
        var hold = m is { HoldReason: { } reason, HoldUntil: { } until } ? new CustomerHold(reason, until) : null;
        var customer = new CaseCustomer(m.CustomerId, m.LegalName, m.ReminderEmail ?? "")
        {
            Contacts = [.. m.Contacts.Select(c => new CaseContact(c.Role, c.Name, c.Email, c.Phone))],
            PostalAddress = m.PostalAddress is { } a ? new CasePostalAddress([.. a.Lines], a.PostalCode, a.City, a.Country) : null,
            AccountManager = m.AccountManager is { } am ? new CaseContact(am.Role, am.Name, am.Email, am.Phone) : null,
            Segment = m.Segment,
            PreferredLanguage = m.PreferredLanguage,
        };
        return ChangeCustomerHandler.Handle(session, new ChangeCustomer(m.CompanyId, m.CustomerId, customer, hold, clock.GetUtcNow()), context.CancellationToken);
    }
}

/// <summary>
/// The invoice and customer announcements share one queue, partitioned by customer: one customer's
/// messages are handled one at a time, in the order the Invoice service committed them, while different
/// customers proceed in parallel.
/// </summary>
public static class InvoiceEventsEndpoint
{
    public const string Queue = "reminder-invoice-events";

    public static void AddInvoiceEventConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<InvoiceRegisteredConsumer>().ExcludeFromConfigureEndpoints();
        bus.AddConsumer<InvoiceBalanceChangedConsumer>().ExcludeFromConfigureEndpoints();
        bus.AddConsumer<InvoiceClosedConsumer>().ExcludeFromConfigureEndpoints();
        bus.AddConsumer<InvoiceDisputeConsumer>().ExcludeFromConfigureEndpoints();
        bus.AddConsumer<CustomerUpdatedConsumer>().ExcludeFromConfigureEndpoints();
    }

    public static void ConfigureInvoiceEventsEndpoint(this IRabbitMqBusFactoryConfigurator cfg, IBusRegistrationContext context)
    {
        // Messages handled at once: different customers' in parallel (MassTransit's default, twice the cores, left a
        // burst of payments waiting in the queue for seconds: each handling mostly waits on PostgreSQL).
        var concurrency = context.GetRequiredService<IConfiguration>().GetValue("Reminder:InvoiceEvents:ConcurrentMessages", 16);
        cfg.ReceiveEndpoint(Queue, endpoint =>
        {
            endpoint.PrefetchCount = concurrency * 2;
            endpoint.ConcurrentMessageLimit = concurrency;
            var byCustomer = endpoint.CreatePartitioner(concurrency);
            endpoint.ConfigureConsumer<InvoiceRegisteredConsumer>(context, c => c.Message<Invoicing.InvoiceRegistered>(m =>
                InCustomerOrder(m, byCustomer, x => (x.Message.CompanyId, x.Message.CustomerId))));
            endpoint.ConfigureConsumer<InvoiceBalanceChangedConsumer>(context, c => c.Message<Invoicing.InvoiceBalanceChanged>(m =>
                InCustomerOrder(m, byCustomer, x => (x.Message.CompanyId, x.Message.CustomerId))));
            endpoint.ConfigureConsumer<InvoiceClosedConsumer>(context, c =>
            {
                c.Message<Invoicing.InvoiceSettled>(m => InCustomerOrder(m, byCustomer, x => (x.Message.CompanyId, x.Message.CustomerId)));
                c.Message<Invoicing.InvoiceCancelled>(m => InCustomerOrder(m, byCustomer, x => (x.Message.CompanyId, x.Message.CustomerId)));
            });
            endpoint.ConfigureConsumer<InvoiceDisputeConsumer>(context, c =>
            {
                c.Message<Invoicing.InvoiceDisputed>(m => InCustomerOrder(m, byCustomer, x => (x.Message.CompanyId, x.Message.CustomerId)));
                c.Message<Invoicing.InvoiceDisputeClosed>(m => InCustomerOrder(m, byCustomer, x => (x.Message.CompanyId, x.Message.CustomerId)));
            });
            endpoint.ConfigureConsumer<CustomerUpdatedConsumer>(context, c => c.Message<Invoicing.CustomerUpdated>(m =>
                InCustomerOrder(m, byCustomer, x => (x.Message.CompanyId, x.Message.CustomerId))));
        });
    }

    // One customer's messages are handled one at a time, in the order the Invoice service committed them:
    // its description before the invoices that follow, an invoice before its settlement (a customer has
    // one case per currency). The retry sits inside the partition: a message being retried keeps its
    // customer's turn, so the next one cannot overtake it.
    static void InCustomerOrder<TContext>(IPipeConfigurator<TContext> pipe, IPartitioner byCustomer, Func<TContext, (string Company, string Customer)> customerOf)
        where TContext : class, PipeContext
    {
        pipe.UsePartitioner(byCustomer, context => customerOf(context) is var (company, customer) ? $"{company}/{customer}" : "");
        pipe.UseRetry(retry => retry.Intervals(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)));
    }
}
