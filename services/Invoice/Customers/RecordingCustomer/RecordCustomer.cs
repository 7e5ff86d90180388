using Marten;
using Relance.ServiceDefaults;

namespace Relance.InvoiceService.Customers.RecordingCustomer;

public static class RecordCustomerHandler
{
    public static Task<IReadOnlyList<object>> Handle(IDocumentSession session, CustomerRecorded described, CancellationToken cancellation) =>
        session.AppendDecisionAsync<Customer>(Customer.StreamKey(described.CompanyId, described.CustomerId),
            state => CustomerDecider.Decide(described, state), cancellation);
}
