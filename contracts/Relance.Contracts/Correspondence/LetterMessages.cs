namespace Relance.Contracts.Correspondence;

// Announced by the Correspondence service as a letter's postal tracking comes back, once per fact, in any order
// the facts arrive (a delivery may be heard of before the posting). Dates are days: the postal service's.

public sealed record LetterPosted(Guid ReminderId, string CaseId, string Channel, string TrackingNumber, DateOnly PostedOn);

public sealed record LetterDelivered(Guid ReminderId, string CaseId, string Channel, DateOnly DeliveredOn);

/// <summary>A registered letter's acknowledgment of receipt signed: the proof of receipt a formal notice's deadline runs from.</summary>
/// <param name="CardSha256">The SHA-256 of the scanned card archived by the Correspondence service, when there is one yet.</param>
public sealed record LetterReceiptAcknowledged(Guid ReminderId, string CaseId, string Channel, DateOnly SignedOn, string? CardSha256);

/// <summary>The letter came back undelivered.</summary>
/// <param name="Reason">unclaimed (pli avisé non réclamé), address-unknown or refused.</param>
/// <param name="FirstPresentedOn">When it was first presented: for an unclaimed registered letter, the day it counts as received.</param>
public sealed record LetterReturned(Guid ReminderId, string CaseId, string Channel, string Reason, DateOnly? FirstPresentedOn, DateOnly ReturnedOn);
