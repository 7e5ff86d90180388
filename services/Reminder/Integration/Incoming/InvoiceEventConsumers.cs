using Marten;
using MassTransit;
using Relance.ReminderService.DunningCases;
using Relance.ReminderService.DunningCases.AddingInvoice;
using Relance.ReminderService.DunningCases.ChangingBalance;
using Relance.ReminderService.DunningCases.ChangingCustomer;
using Relance.ReminderService.DunningCases.Disputing;
using Relance.ReminderService.DunningCases.RemovingInvoice;
using Relance.ServiceDefaults;
using Invoicing = Relance.Contracts.Invoicing;

namespace Relance.ReminderService.Integration.Incoming;

// Each consumer only translates an Invoice-service announcement into a command on the customer's case.
// Redeliveries are harmless: the decider knows which invoices the case has seen.

public sealed class InvoiceRegisteredConsumer(IDocumentSession session, DunningPolicy policy, TimeProvider clock)
    : IConsumer<Invoicing.InvoiceRegistered>
{
    public async Task Consume(ConsumeContext<Invoicing.InvoiceRegistered> context)
    {
        var m = context.Message;
        session.AttributeTo(context);
        // The customer as the ERP last described it, if it did, prevails over the invoice's copy.
        var profile = await session.LoadAsync<CustomerProfile>(CustomerProfile.Key(m.CompanyId, m.CustomerId), context.CancellationToken);
        await AddInvoiceToCaseHandler.Handle(session, new AddInvoiceToCase(
                m.CompanyId, new CaseCustomer(m.CustomerId, profile?.Name ?? m.CustomerName, profile?.Email ?? m.CustomerEmail), m.Currency,
                m.InvoiceNumber, m.IssueDate, m.DueDate, m.Outstanding, clock.GetUtcNow()) { Hold = profile?.Hold },
            policy, context.CancellationToken);
    }
}

public sealed class InvoiceBalanceChangedConsumer(IDocumentSession session, DunningPolicy policy, TimeProvider clock)
    : IConsumer<Invoicing.InvoiceBalanceChanged>
{
    public Task Consume(ConsumeContext<Invoicing.InvoiceBalanceChanged> context)
    {
        var m = context.Message;
        session.AttributeTo(context);
        return ChangeInvoiceBalanceHandler.Handle(session, new ChangeInvoiceBalance(
            DunningCase.StreamKey(m.CompanyId, m.CustomerId, m.Currency), m.InvoiceNumber, m.Outstanding, m.DueDate, m.Reason, clock.GetUtcNow()),
            policy, context.CancellationToken);
    }
}

public sealed class InvoiceSettledConsumer(IDocumentSession session, TimeProvider clock) : IConsumer<Invoicing.InvoiceSettled>
{
    public Task Consume(ConsumeContext<Invoicing.InvoiceSettled> context)
    {
        var m = context.Message;
        session.AttributeTo(context);
        return RemoveInvoiceFromCaseHandler.Handle(session, new RemoveInvoiceFromCase(
            DunningCase.StreamKey(m.CompanyId, m.CustomerId, m.Currency), m.InvoiceNumber, "settled", clock.GetUtcNow()),
            context.CancellationToken);
    }
}

public sealed class InvoiceCancelledConsumer(IDocumentSession session, TimeProvider clock) : IConsumer<Invoicing.InvoiceCancelled>
{
    public Task Consume(ConsumeContext<Invoicing.InvoiceCancelled> context)
    {
        var m = context.Message;
        session.AttributeTo(context);
        return RemoveInvoiceFromCaseHandler.Handle(session, new RemoveInvoiceFromCase(
            DunningCase.StreamKey(m.CompanyId, m.CustomerId, m.Currency), m.InvoiceNumber, "cancelled", clock.GetUtcNow()),
            context.CancellationToken);
    }
}

public sealed class InvoiceDisputedConsumer(IDocumentSession session, TimeProvider clock) : IConsumer<Invoicing.InvoiceDisputed>
{
    public Task Consume(ConsumeContext<Invoicing.InvoiceDisputed> context)
    {
        var m = context.Message;
        session.AttributeTo(context);
        return RecordDisputeHandler.Handle(session, new RecordDispute(
            DunningCase.StreamKey(m.CompanyId, m.CustomerId, m.Currency), m.InvoiceNumber, m.DisputeId, Opened: true, m.Reason, clock.GetUtcNow()),
            context.CancellationToken);
    }
}

public sealed class InvoiceDisputeClosedConsumer(IDocumentSession session, TimeProvider clock) : IConsumer<Invoicing.InvoiceDisputeClosed>
{
    public Task Consume(ConsumeContext<Invoicing.InvoiceDisputeClosed> context)
    {
        var m = context.Message;
        session.AttributeTo(context);
        return RecordDisputeHandler.Handle(session, new RecordDispute(
            DunningCase.StreamKey(m.CompanyId, m.CustomerId, m.Currency), m.InvoiceNumber, m.DisputeId, Opened: false, m.Resolution, clock.GetUtcNow()),
            context.CancellationToken);
    }
}

public sealed class CustomerUpdatedConsumer(IDocumentSession session, DunningPolicy policy, TimeProvider clock) : IConsumer<Invoicing.CustomerUpdated>
{
    public Task Consume(ConsumeContext<Invoicing.CustomerUpdated> context)
    {
        var m = context.Message;
        session.AttributeTo(context);
        var hold = m is { HoldReason: { } reason, HoldUntil: { } until } ? new CustomerHold(reason, until) : null;
        return ChangeCustomerHandler.Handle(session, new ChangeCustomer(m.CompanyId, m.CustomerId, m.LegalName, m.ReminderEmail, hold, clock.GetUtcNow()),
            policy, context.CancellationToken);
    }
}

/// <summary>
/// The invoice announcements share one queue, partitioned by case: a case's messages are handled one at
/// a time and in the order the Invoice service committed them, while different cases proceed in parallel.
/// </summary>
public static class InvoiceEventsEndpoint
{
    public const string Queue = "reminder-invoice-events";

    public static void AddInvoiceEventConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<InvoiceRegisteredConsumer>().ExcludeFromConfigureEndpoints();
        bus.AddConsumer<InvoiceBalanceChangedConsumer>().ExcludeFromConfigureEndpoints();
        bus.AddConsumer<InvoiceSettledConsumer>().ExcludeFromConfigureEndpoints();
        bus.AddConsumer<InvoiceCancelledConsumer>().ExcludeFromConfigureEndpoints();
        bus.AddConsumer<InvoiceDisputedConsumer>().ExcludeFromConfigureEndpoints();
        bus.AddConsumer<InvoiceDisputeClosedConsumer>().ExcludeFromConfigureEndpoints();
        bus.AddConsumer<CustomerUpdatedConsumer>().ExcludeFromConfigureEndpoints();
    }

    public static void ConfigureInvoiceEventsEndpoint(this IRabbitMqBusFactoryConfigurator cfg, IBusRegistrationContext context)
    {
        cfg.ReceiveEndpoint(Queue, endpoint =>
        {
            var byCase = endpoint.CreatePartitioner(Environment.ProcessorCount * 4);
            endpoint.ConfigureConsumer<InvoiceRegisteredConsumer>(context, c => c.Message<Invoicing.InvoiceRegistered>(m =>
                InCaseOrder(m, byCase, x => DunningCase.StreamKey(x.Message.CompanyId, x.Message.CustomerId, x.Message.Currency))));
            endpoint.ConfigureConsumer<InvoiceBalanceChangedConsumer>(context, c => c.Message<Invoicing.InvoiceBalanceChanged>(m =>
                InCaseOrder(m, byCase, x => DunningCase.StreamKey(x.Message.CompanyId, x.Message.CustomerId, x.Message.Currency))));
            endpoint.ConfigureConsumer<InvoiceSettledConsumer>(context, c => c.Message<Invoicing.InvoiceSettled>(m =>
                InCaseOrder(m, byCase, x => DunningCase.StreamKey(x.Message.CompanyId, x.Message.CustomerId, x.Message.Currency))));
            endpoint.ConfigureConsumer<InvoiceCancelledConsumer>(context, c => c.Message<Invoicing.InvoiceCancelled>(m =>
                InCaseOrder(m, byCase, x => DunningCase.StreamKey(x.Message.CompanyId, x.Message.CustomerId, x.Message.Currency))));
            endpoint.ConfigureConsumer<InvoiceDisputedConsumer>(context, c => c.Message<Invoicing.InvoiceDisputed>(m =>
                InCaseOrder(m, byCase, x => DunningCase.StreamKey(x.Message.CompanyId, x.Message.CustomerId, x.Message.Currency))));
            endpoint.ConfigureConsumer<InvoiceDisputeClosedConsumer>(context, c => c.Message<Invoicing.InvoiceDisputeClosed>(m =>
                InCaseOrder(m, byCase, x => DunningCase.StreamKey(x.Message.CompanyId, x.Message.CustomerId, x.Message.Currency))));
            // A customer's cases are one per currency: its changes go in order among themselves.
            endpoint.ConfigureConsumer<CustomerUpdatedConsumer>(context, c => c.Message<Invoicing.CustomerUpdated>(m =>
                InCaseOrder(m, byCase, x => $"{x.Message.CompanyId}/{x.Message.CustomerId}")));
        });
    }

    // The retry sits inside the partition: a message being retried keeps its case's turn, so the next
    // message of the same case cannot overtake it.
    static void InCaseOrder<TContext>(IPipeConfigurator<TContext> pipe, IPartitioner byCase, Func<TContext, string> caseOf)
        where TContext : class, PipeContext
    {
        pipe.UsePartitioner(byCase, caseOf);
        pipe.UseRetry(retry => retry.Intervals(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)));
    }
}
