namespace Relance.CorrespondenceService.Writing;

/// <summary>
/// What a template says, before it is laid out as an email (text and HTML) or as a letter: the same words
/// either way. <see cref="Body"/> opens with the salutation; <see cref="Closing"/> precedes the signature.
/// </summary>
public sealed record Document(string Template, string Subject, IReadOnlyList<Block> Body, string Closing);

public abstract record Block;

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
public sealed record Letterhead(string Creditor, string Department, string Email, IReadOnlyList<string> Address);

/// <summary>What the document will be: the words differ where one says "reply to this email".</summary>
public enum Medium { Email, Letter }
