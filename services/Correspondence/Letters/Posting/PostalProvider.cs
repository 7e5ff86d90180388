using Relance.CorrespondenceService.Correspondences;

namespace Relance.CorrespondenceService.Letters.Posting;

/// <summary>
/// Who letters are handed to for printing and posting: a mail room's folder, a print-and-post service. Chosen by
/// Correspondence:Postal:Provider. A hand-over must be idempotent by correspondence id (the same letter handed
/// over twice is one letter), and findable by it, so that a crash between the hand-over and its record is
/// reconciled by a redelivery without a second letter.
/// </summary>
public interface IPostalProvider
{
    /// <summary>The provider's name, recorded with each hand-over.</summary>
    string Name { get; }

    /// <summary>Hands the letter over, or finds it already handed over; fails if another content was handed over under its id.</summary>
    Task<PostalHandOver> HandOver(LetterForPosting letter, CancellationToken cancellation);

    /// <summary>
    /// The hand-over of this correspondence, if the provider has it or had it: a letter the mail room or the
    /// provider has since taken away (posted, archived) is still found, or it would be handed over a second time.
    /// </summary>
    Task<PostalHandOver?> Find(string correspondenceId, CancellationToken cancellation);
}

/// <param name="Reference">The provider's own reference for the letter.</param>
/// <param name="ContentSha256">The SHA-256 of the PDF the provider holds.</param>
public sealed record PostalHandOver(string Provider, string Reference, string ContentSha256, DateTimeOffset HandedOverAt);

/// <summary>Everything a mail room or a print-and-post service needs to print, envelope and post one letter.</summary>
/// <param name="ReturnAddress">Where an undelivered letter comes back: the creditor's address lines.</param>
public sealed record LetterForPosting(
    string CorrespondenceId,
    Guid ReminderId,
    string CompanyId,
    string CaseId,
    string Channel,
    string Addressee,
    PostalAddress Address,
    string ReturnName,
    IReadOnlyList<string> ReturnAddress,
    byte[] Pdf,
    int PageCount,
    string ContentSha256,
    string Template,
    DateOnly Date);

/// <summary>The "Correspondence:Postal" configuration section.</summary>
public sealed record PostalOptions
{
    public const string Section = "Correspondence:Postal";
    public const string FolderProvider = "folder";

    /// <summary>Which provider letters go to; only "folder" is built in.</summary>
    public string Provider { get; init; } = FolderProvider;

    /// <summary>For the folder provider: where letters are written; relative paths are under the service's content root.</summary>
    public string Folder { get; init; } = Path.Combine("data", "postal");
}

public static class PostalRegistration
{
    /// <summary>The provider named by Correspondence:Postal:Provider; an unknown name stops the service at start.</summary>
    public static void AddPostalProvider(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var options = configuration.GetSection(PostalOptions.Section).Get<PostalOptions>() ?? new PostalOptions();
        if (options.Provider != PostalOptions.FolderProvider)
            throw new InvalidOperationException(
                $"{PostalOptions.Section}:Provider is '{options.Provider}', a postal provider this service does not know (built in: {PostalOptions.FolderProvider})");
        var folder = Path.GetFullPath(options.Folder, environment.ContentRootPath);
        services.AddSingleton<IPostalProvider>(provider => new FolderPostalProvider(folder, provider.GetRequiredService<TimeProvider>()));
        services.AddScoped<PostalDispatch>();
    }
}
