namespace Relance.CorrespondenceService.Writing;

/// <summary>
/// What a template says, before it is laid out as an email (text and HTML) or as a letter: the same words
/// either way. <see cref="Body"/> opens with the salutation; <see cref="Closing"/> precedes the signature.
/// </summary>
/// <param name="Template">The template and its version, "formal-notice/en/v1".</param>
public sealed record Document(string Template, string Subject, IReadOnlyList<Block> Body, string Closing)
{
    /// <summary>The SHA-256 of the template's text: which words exactly, even from an overriding folder.</summary>
    public string TemplateSha256 { get; init; } = "";

    /// <summary>The language the template is written in ("fr", "en"): the request's, or French when it has none in it.</summary>
    public string Language { get; init; } = Formats.French;
}

/// <param name="Role">What the block is for, when a check needs to find it (<c>consequences</c> of a formal notice).</param>
public abstract record Block
{
    public string? Role { get; init; }
}

/// <summary>Lines kept together (one paragraph, line breaks within).</summary>
public sealed record Paragraph(IReadOnlyList<string> Lines, bool Strong = false) : Block
{
    public Paragraph(string line, bool strong = false) : this([line], strong) { }
}

public sealed record Bullets(IReadOnlyList<string> Items) : Block;

/// <summary>A table in HTML; in plain text, one bulleted line per row.</summary>
public sealed record Table(IReadOnlyList<string> Headers, IReadOnlyList<TableRow> Rows) : Block;

public sealed record TableRow(string Text, IReadOnlyList<string> Cells);

/// <summary>Who writes: the creditor as its customers know it, the department that signs, how to reach it.</summary>
public sealed record Letterhead(string Creditor, string Department, string Email, IReadOnlyList<string> Address)
{
    /// <summary>Where to pay by transfer, printed when configured.</summary>
    public BankDetails? Bank { get; init; }
}

/// <summary>The creditor's bank details (RIB) for a quick transfer.</summary>
public sealed record BankDetails
{
    public string AccountHolder { get; init; } = "";
    public string Iban { get; init; } = "";
    public string Bic { get; init; } = "";
    public string BankName { get; init; } = "";
}

/// <summary>What the document will be: the words differ where one says "reply to this email".</summary>
public enum Medium { Email, Letter }
