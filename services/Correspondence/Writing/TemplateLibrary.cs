using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Fluid;
using Fluid.Values;

namespace Relance.CorrespondenceService.Writing;

/// <summary>One template file: <c>&lt;family&gt;/&lt;language&gt;/v&lt;version&gt;.liquid</c>, parsed once.</summary>
public sealed record TemplateFile(string Family, string Language, int Version, string Path, string Sha256, IFluidTemplate Parsed)
{
    /// <summary>"formal-notice/en/v1": what is recorded with the content.</summary>
    public string Name => $"{Family}/{Language}/v{Version}";
}

/// <summary>A template that cannot be used: its file, where, and why. The service does not start with one.</summary>
public sealed class TemplateException(string message) : InvalidOperationException(message);

/// <summary>
/// The templates the service writes with: those shipped in its <c>Templates</c> folder, then those of an optional
/// folder (<c>Correspondence:Templates:Path</c>, same layout) that add versions, languages or families, or replace
/// a shipped file of the same name. Every file is parsed, and rendered with sample data, when the library is
/// loaded; a broken one fails the load naming its file and line. The highest version of a family in a language
/// is the one used; French when the family has none in the language asked.
/// </summary>
public sealed class TemplateLibrary
{
    /// <summary>Where the templates shipped with the service are copied, next to its assembly.</summary>
    public static string Shipped => System.IO.Path.Combine(AppContext.BaseDirectory, "Templates");

    static readonly FluidParser Parser = new();
    static readonly Regex FileName = new(@"^v(?<version>[1-9][0-9]*)\.liquid$", RegexOptions.CultureInvariant);

    // A line holding nothing but tags prints nothing, not an empty line: blank lines separate blocks.
    static readonly Regex TagOnlyLine = new(@"^[ \t]*((?:\{%(?:(?!%\}).)*%\}[ \t]*)+)\r?\n", RegexOptions.Multiline | RegexOptions.CultureInvariant);

    static readonly TemplateOptions Options = CreateOptions();

    readonly Dictionary<(string Family, string Language), List<TemplateFile>> _files;

    TemplateLibrary(IEnumerable<TemplateFile> files) =>
        _files = files.GroupBy(f => (f.Family, f.Language)).ToDictionary(g => g.Key, g => g.OrderByDescending(f => f.Version).ToList());

    public IEnumerable<TemplateFile> All => _files.Values.SelectMany(f => f);

    /// <exception cref="TemplateException">A template does not parse, does not render with sample data, or a formal notice lacks a mandatory mention.</exception>
    public static TemplateLibrary Load(string shipped, string? overrides = null)
    {
        if (string.IsNullOrWhiteSpace(overrides)) overrides = null;
        if (!Directory.Exists(shipped)) throw new TemplateException($"The templates folder {shipped} does not exist.");
        if (overrides is not null && !Directory.Exists(overrides))
            throw new TemplateException($"The templates folder {overrides} (Correspondence:Templates:Path) does not exist.");

        var problems = new List<string>();
        var files = new Dictionary<string, TemplateFile>(StringComparer.Ordinal);
        foreach (var root in new[] { shipped, overrides }.OfType<string>())
            foreach (var file in Read(root, problems))
                files[file.Name] = file; // the override folder's file replaces the shipped one of the same name
        if (problems.Count > 0) throw new TemplateException(string.Join(Environment.NewLine, problems));

        var library = new TemplateLibrary(files.Values);
        problems.AddRange(TemplateSamples.Problems(library));
        return problems.Count > 0 ? throw new TemplateException(string.Join(Environment.NewLine, problems)) : library;
    }

    static IEnumerable<TemplateFile> Read(string root, List<string> problems)
    {
        foreach (var path in Directory.EnumerateFiles(root, "*.liquid", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var parts = System.IO.Path.GetRelativePath(root, path).Split(System.IO.Path.DirectorySeparatorChar);
            if (parts is not [var family, var language, var name] || FileName.Match(name) is not { Success: true } match)
            {
                problems.Add($"{path}: not a template name; templates are <family>/<language>/v<version>.liquid");
                continue;
            }
            var text = File.ReadAllText(path, Encoding.UTF8);
            // Parsed as written first, so that an error's line is the file's own.
            if (!Parser.TryParse(text, out _, out var error) || !Parser.TryParse(TagOnlyLine.Replace(text, "$1"), out var parsed, out error))
            {
                problems.Add($"{path}: {error}");
                continue;
            }
            yield return new TemplateFile(family, language, int.Parse(match.Groups["version"].Value), path,
                Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))), parsed);
        }
    }

    /// <summary>The highest version of the family in the language; in French when there is none in it; null when the family has no template.</summary>
    public TemplateFile? Find(string family, string language) =>
        _files.GetValueOrDefault((family, language))?[0] ?? _files.GetValueOrDefault((family, Formats.French))?[0];

    /// <summary>The template's output read as <see cref="Markup"/>.</summary>
    /// <exception cref="TemplateException">It failed to render (an unknown value or filter…) or wrote malformed markup.</exception>
    public static Markup Render(TemplateFile file, IReadOnlyDictionary<string, object?> model)
    {
        try
        {
            var context = new TemplateContext(model, Options);
            return Markup.Parse(file.Parsed.Render(context));
        }
        catch (Exception e) when (e is FluidException or FormatException or ParseException or InvalidOperationException)
        {
            throw new TemplateException($"{file.Path}: {e.Message}");
        }
    }

    static TemplateOptions CreateOptions()
    {
        // Not StrictVariables: it takes a value that is nil (no contact, no deadline) for an unknown one.
        var options = new TemplateOptions { StrictFilters = true, MaxSteps = 10_000_000 }; // a guard against a runaway loop, far above the longest invoice list
        // Every string a template prints comes from the data: none may break the markup.
        options.ValueConverters.Add(value => value is string s ? new StringValue(Markup.Escape(s)) : null);
        // {{ days | plural: "jour", "jours" }}: the word for the number.
        options.Filters.AddFilter("plural", (input, arguments, _) =>
            new StringValue(input.ToNumberValue() == 1 ? arguments.At(0).ToStringValue() : arguments.At(1).ToStringValue()));
        // {{ numbers | join_and: "et" }}: "F-1", "F-1 et F-2", "F-1, F-2 et F-3".
        options.Filters.AddFilter("join_and", (input, arguments, context) =>
        {
            var items = input.Enumerate(context).Select(v => v.ToStringValue()).ToList();
            var and = arguments.At(0).ToStringValue();
            return new StringValue(items.Count <= 1 ? string.Concat(items) : $"{string.Join(", ", items[..^1])} {and} {items[^1]}");
        });
        return options;
    }
}
