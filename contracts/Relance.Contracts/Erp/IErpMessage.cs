namespace Relance.Contracts.Erp;

/// <summary>Every message from an ERP names the company it speaks for: Relance serves several companies.</summary>
public interface IErpMessage
{
    string? CompanyId { get; }
}
