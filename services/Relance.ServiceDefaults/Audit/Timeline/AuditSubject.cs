using Npgsql;

namespace Relance.ServiceDefaults.Audit.Timeline;

/// <summary>One service's event store, read directly: <paramref name="Service"/> is invoice, reminder or correspondence.</summary>
public sealed record AuditStore(string Service, string ConnectionString)
{
    public const string Invoice = "invoice", Reminder = "reminder", Correspondence = "correspondence";

    /// <summary>
    /// An open connection to read on instead of opening one, e.g. in the caller's REPEATABLE READ transaction, so that the
    /// timeline is read from the same snapshot as the caller's other reads (relance audit dossier). The caller owns it.
    /// </summary>
    public NpgsqlConnection? Connection { get; init; }
}

/// <summary>What a timeline is about: a dunning case, every case of a customer, or one invoice.</summary>
public abstract record AuditSubject
{
    public sealed record Case(string CompanyId, string CustomerId, string Currency) : AuditSubject
    {
        public string StreamKey => $"{CompanyId}/{CustomerId}/{Currency}";
    }

    public sealed record Customer(string CompanyId, string CustomerId) : AuditSubject;

    public sealed record Invoice(string CompanyId, string InvoiceNumber) : AuditSubject
    {
        public string StreamKey => $"{CompanyId}/{InvoiceNumber}";
    }

    public abstract string CompanyId { get; init; }
}
