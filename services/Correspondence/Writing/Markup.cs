namespace Relance.CorrespondenceService.Writing;

/// <summary>
/// The little block language a template writes (see the README, "What it writes"), one line at a time, blank
/// lines between blocks:
/// <c>@subject …</c> and <c>@closing …</c> (and the letter's <c>@dated …</c>, <c>@signed …</c>…) set a field;
/// <c>@role consequences</c> names the block that follows; lines of <c>- …</c> are bullets; lines of <c>** …</c>
/// a paragraph in bold; lines of <c>| … | … |</c> a table, its header first, each row ending with
/// <c>| = the row as a sentence</c> for plain text; any other lines a paragraph, one line each.
/// </summary>
public sealed record Markup(IReadOnlyDictionary<string, string> Fields, IReadOnlyList<Block> Blocks)
{
    /// <summary>
    /// What a value may not carry into the markup: a "|" would cut a table cell, a line end would start a block.
    /// Values are escaped as they enter a template, and the pipe restored once the lines are cut.
    /// </summary>
    public static string Escape(string value) => value.Replace('|', EscapedPipe).ReplaceLineEndings(" ");

    const char EscapedPipe = '\uE000';

    static string Restore(string text) => text.Replace(EscapedPipe, '|');

    /// <exception cref="FormatException">A table row whose cells do not match its header, or a role with no block.</exception>
    public static Markup Parse(string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var blocks = new List<Block>();
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var current = new List<string>();
        var kind = ' ';
        var start = 0;
        string? role = null;

        void Close()
        {
            if (current.Count == 0) return;
            Block block = kind switch
            {
                '-' => new Bullets([.. current.Select(Restore)]),
                '*' => new Paragraph([.. current.Select(Restore)], Strong: true),
                '|' => Table(current, start),
                _ => new Paragraph([.. current.Select(Restore)]),
            };
            blocks.Add(block with { Role = role });
            role = null;
            current.Clear();
        }

        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n].Trim();
            if (line.Length == 0) { Close(); continue; }
            if (line.StartsWith('@'))
            {
                Close();
                var space = line.IndexOf(' ');
                var (name, value) = space < 0 ? (line[1..], "") : (line[1..space], line[(space + 1)..].Trim());
                if (name == "role") role = value;
                else fields[name] = Restore(value);
                continue;
            }
            var (lineKind, content) = line switch
            {
                ['-', ' ', ..] => ('-', line[2..].Trim()),
                ['*', '*', ..] => ('*', line[2..].Trim()),
                ['|', ..] => ('|', line),
                _ => (' ', line),
            };
            if (lineKind != kind) Close();
            if (current.Count == 0) (kind, start) = (lineKind, n + 1);
            current.Add(content);
        }
        Close();
        if (role is not null) throw new FormatException($"'@role {role}' is followed by no block");
        return new Markup(fields, blocks);
    }

    static Table Table(List<string> lines, int start)
    {
        static List<string> Cells(string line) =>
            [.. line.Trim().Trim('|').Split('|').Select(c => c.Trim())];

        var headers = Cells(lines[0]).Select(Restore).ToList();
        var rows = new List<TableRow>();
        for (var r = 1; r < lines.Count; r++)
        {
            var cells = Cells(lines[r]);
            var sentence = cells.Count > 0 && cells[^1].StartsWith('=') ? cells[^1][1..].Trim() : null;
            if (sentence is not null) cells.RemoveAt(cells.Count - 1);
            if (cells.Count != headers.Count)
                throw new FormatException($"table row at line {start + r} of the output has {cells.Count} cells, its header {headers.Count}");
            var restored = cells.Select(Restore).ToList();
            rows.Add(new TableRow(sentence is null ? string.Join(", ", restored) : Restore(sentence), restored));
        }
        return new Table(headers, rows);
    }
}
