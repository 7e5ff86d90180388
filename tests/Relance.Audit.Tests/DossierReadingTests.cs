using System.Text;
using Relance.Cli;
using Relance.Cli.Dossier;
using Relance.InvoiceService.Invoices;
using Relance.ServiceDefaults.Audit.PersonalData;
using static Relance.Audit.Tests.DossierExamples;

namespace Relance.Audit.Tests;

/// <summary>How the file reads what the services recorded: the case named, the amounts owed, the documents' hashes.</summary>
[Trait("Category", "Unit")]
public sealed class DossierReadingTests
{
    [Fact]
    public void A_case_is_named_company_customer_currency_and_anything_else_is_refused_with_the_expected_form()
    {
        Assert.Equal(new CaseKey("ACME", "C-1", "EUR"), CaseKey.Parse("ACME/C-1/EUR"));
        Assert.Equal(new CaseKey("ACME", "DIV/7", "EUR"), CaseKey.Parse("ACME/DIV/7/EUR"));
        foreach (var wrong in new[] { "ACME", "ACME/C-1", "/C-1/EUR", "ACME//EUR", "ACME/C-1/" })
            Assert.Contains("company/customer/currency", Assert.Throws<CliException>(() => CaseKey.Parse(wrong)).Message);
    }

    [Fact]
    public void A_partly_paid_invoice_owes_penalties_on_what_remains_and_the_40_euro_indemnity()
    {
        var at = new DateOnly(2026, 5, 18);
        var invoice = CaseFileReader.Claimed(Folded(F1, new PaymentReceived("P-1", 500m, new(2026, 4, 20), 700m, default)), F1, at, Law);

        Assert.Equal((1200m, 500m, 700m), (invoice.Amount, invoice.Paid, invoice.Outstanding));
        Assert.Equal(47, invoice.Penalty.DaysLate);
        Assert.Equal(Math.Round(700m * 0.1215m * 47 / 365, 2), invoice.Penalty.Amount);
        Assert.Equal((40m, "EUR"), (invoice.Indemnity, invoice.IndemnityCurrency));
    }

    [Fact]
    public void A_settled_or_not_yet_due_invoice_claims_nothing()
    {
        var settled = CaseFileReader.Claimed(Folded(F1, new PaymentReceived("P-1", 1200m, new(2026, 4, 20), 0m, default), new InvoiceSettled(new(2026, 4, 20), default)),
            F1, new(2026, 5, 18), Law);
        var notDue = CaseFileReader.Claimed(Folded(F1), F1, new(2026, 3, 20), Law);
        Assert.All([settled, notDue], i => Assert.Equal((0m, 0m), (i.Penalty.Amount, i.Indemnity)));
        Assert.Equal(1200m, notDue.Outstanding);
    }

    [Fact]
    public void The_mask_an_erasure_leaves_in_place_of_a_document_is_recognised_and_nothing_else_is()
    {
        var hmac = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("the letter"u8));
        // A PDF or a scan is masked as the base64 of the mask (so it reads back as the mask's bytes); an email or a letter as the text.
        Assert.True(CaseFileReader.IsErasureMask(Convert.FromBase64String(ErasureMask.Mask(hmac, PersonalValueKind.Base64))));
        Assert.True(CaseFileReader.IsErasureMask(Encoding.ASCII.GetBytes(ErasureMask.Mask(hmac, PersonalValueKind.Text))));

        foreach (var other in new[] { $"[erased hmac-sha256:{hmac[1..]}]", $"[erased hmac-sha256:{hmac.ToUpperInvariant()}]", $"[erased hmac-sha256:{hmac}] ", "%PDF-1.4 the notice as sent", "" })
            Assert.False(CaseFileReader.IsErasureMask(Encoding.UTF8.GetBytes(other)), other);
    }

    [Fact]
    public void A_document_whose_bytes_no_longer_match_their_recorded_hash_is_refused_by_name()
    {
        var bytes = Encoding.ASCII.GetBytes("%PDF-1.4 the notice as sent");
        var recorded = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        Assert.Equal(bytes, CaseFileReader.Checked(NoticeDocument, bytes, recorded.ToUpperInvariant(), "correspondence 5b8e2c1a").Content);

        bytes[^1] ^= 1;
        var refused = Assert.Throws<CliException>(() => CaseFileReader.Checked(NoticeDocument, bytes, recorded, "correspondence 5b8e2c1a"));
        Assert.Contains(NoticeDocument, refused.Message);
        Assert.Contains(recorded, refused.Message);
    }
}
