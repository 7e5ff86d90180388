using System.Globalization;

namespace Relance.Drills;

/// <summary>
/// What the drill's ERP published, one tab-separated line per message: kind, invoice number, the customer's email,
/// when (UTC). "invoice" and "payment" lines are written once the broker confirmed the message; "payment-attempt"
/// before a payment is published, so that a payment the broker took without confirming it (the connection lost
/// at that moment) still counts as possibly paid.
/// </summary>
public sealed class Ledger : IDisposable
{
    public const string Invoice = "invoice", Payment = "payment", PaymentAttempt = "payment-attempt";

    public sealed record Entry(string Kind, string InvoiceNumber, string Email, DateTimeOffset At);

    readonly StreamWriter writer;

    public Ledger(string path) => writer = new StreamWriter(path, append: true) { AutoFlush = true };

    public void Write(string kind, string invoiceNumber, string email) =>
        writer.WriteLine(string.Join('\t', kind, invoiceNumber, email, DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)));

    public static IEnumerable<Entry> Read(string path) =>
        File.ReadLines(path)
            .Select(line => line.Split('\t'))
            .Where(fields => fields.Length == 4)
            .Select(f => new Entry(f[0], f[1], f[2], DateTimeOffset.Parse(f[3], CultureInfo.InvariantCulture)));

    public void Dispose() => writer.Dispose();
}
