using System.Reflection;
using JasperFx.Events;
using JasperFx.Events.Aggregation;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Schema;

namespace Relance.Cli.Rebuilding;

/// <summary>A document as a stream's events rebuild it: its JSON as Marten serializes it, and the metadata Marten stores beside it.</summary>
public sealed record RebuiltDocument(string Id, string Json, string DotnetType, long Version);

/// <summary>
/// Replays one stream's events through one of the store's projections, with Marten's own aggregation step
/// (<c>DetermineActionAsync</c>: the projection's Evolve, deletions and metadata, as an inline projection applies them
/// when the events are appended), in memory. Only single-stream aggregations are supported: they are all the services have.
/// </summary>
public abstract class ProjectionReplayer
{
    public required string Name { get; init; }
    public required Type DocumentType { get; init; }
    /// <summary>The table Marten keeps the documents in, schema-qualified (relance.mt_doc_…).</summary>
    public required string Table { get; init; }

    public abstract ValueTask<RebuiltDocument?> ReplayAsync(string streamKey, IReadOnlyList<IEvent> events, IQuerySession session, CancellationToken cancellation);

    /// <summary>A replayer for each projection the store is configured with, or a refusal naming the one it cannot replay.</summary>
    public static IReadOnlyList<ProjectionReplayer> For(DocumentStore store) =>
        store.Options.Projections.All.Select(source => For(store, source)).ToList();

    static ProjectionReplayer For(DocumentStore store, object source)
    {
        var aggregation = BaseTypes(source.GetType()).FirstOrDefault(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(JasperFxAggregationProjectionBase<,,,>));
        if (aggregation is null || aggregation.GetGenericArguments()[1] != typeof(string))
            throw new CliException($"projection {source.GetType().Name} is not a single-stream aggregation keyed by stream: this tool cannot replay it.");
        var documentType = aggregation.GetGenericArguments()[0];
        var replayer = (ProjectionReplayer)Activator.CreateInstance(typeof(SingleStreamReplayer<>).MakeGenericType(documentType), source, store)!;
        return replayer;
    }

    static IEnumerable<Type> BaseTypes(Type type)
    {
        for (var t = type; t is not null; t = t.BaseType) yield return t;
    }
}

sealed class SingleStreamReplayer<TDocument> : ProjectionReplayer, IIdentitySetter<TDocument, string> where TDocument : class
{
    readonly JasperFxAggregationProjectionBase<TDocument, string, IDocumentOperations, IQuerySession> _projection;
    readonly ISerializer _serializer;
    readonly MemberInfo _idMember;
    readonly AggregateVersioning<TDocument> _versioning = new(AggregationScope.SingleStream);

    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    public SingleStreamReplayer(JasperFxAggregationProjectionBase<TDocument, string, IDocumentOperations, IQuerySession> projection, DocumentStore store)
    {
        if (projection.Scope != AggregationScope.SingleStream || projection.StreamType is not null)
            throw new CliException($"projection {projection.Name} is not a plain single-stream aggregation: this tool cannot replay it.");
        if (projection.Lifecycle != ProjectionLifecycle.Inline)
            throw new CliException($"projection {projection.Name} is {projection.Lifecycle}, not Inline: rebuild it with Marten's projection daemon.");
        _projection = projection;
        _serializer = store.Options.Serializer();
        // Built from the store's options as Marten builds it: the same table name, identity and metadata members.
        var mapping = new DocumentMapping(typeof(TDocument), store.Options);
        _idMember = mapping.IdMember;
        var others = new[] { mapping.Metadata.Version, mapping.Metadata.LastModified, mapping.Metadata.CreatedAt, mapping.Metadata.CorrelationId,
                mapping.Metadata.CausationId, mapping.Metadata.LastModifiedBy, mapping.Metadata.Headers, mapping.Metadata.TenantId }
            .Where(column => column.Member is not null).Select(column => column.Member!.Name).ToList();
        if (others.Count > 0)
            throw new CliException($"{typeof(TDocument).Name} carries Marten metadata in its members ({string.Join(", ", others)}): a replay cannot reproduce them.");
        Name = projection.Name;
        DocumentType = typeof(TDocument);
        Table = mapping.TableName.QualifiedName;
    }

    public override async ValueTask<RebuiltDocument?> ReplayAsync(string streamKey, IReadOnlyList<IEvent> events, IQuerySession session, CancellationToken cancellation)
    {
        var applied = Applicable(events);
        if (applied.Count == 0) return null;
        var (document, action) = await _projection.DetermineActionAsync(session, null, streamKey, this, applied, cancellation);
        if (document is null || action is not (ActionType.Store or ActionType.UnDeleteAndStore)) return null;
        var last = applied[^1];
        document = _projection.ApplyMetadata(document, last);
        // What Marten does when it stores an inline projection's document: the stream's key becomes the document's
        // identity (whatever Evolve put there), and the version of the last event its revision (mt_version, and
        // the document's Version member by JasperFx's convention: a settable int or long Version, or a [Version] member).
        SetIdentity(document, streamKey);
        _versioning.TrySetVersion(document, last);
        return new RebuiltDocument(streamKey, _serializer.ToJson(document), document.GetType().FullName!, last.Version);
    }

    /// <summary>The events the projection takes: those of its declared types, or all when it declares none (an Evolve over IEvent).</summary>
    IReadOnlyList<IEvent> Applicable(IReadOnlyList<IEvent> events)
    {
        var types = _projection.IncludedEventTypes;
        return types.Count == 0 ? events : events.Where(e => types.Any(t => t.IsAssignableFrom(e.EventType))).ToList();
    }

    public void SetIdentity(TDocument document, string identity)
    {
        switch (_idMember)
        {
            case PropertyInfo property: property.SetValue(document, identity); break;
            case FieldInfo field: field.SetValue(document, identity); break;
        }
    }

    public string Identity(TDocument document) => _idMember switch
    {
        PropertyInfo property => (string)property.GetValue(document)!,
        FieldInfo field => (string)field.GetValue(document)!,
        _ => throw new InvalidOperationException($"{typeof(TDocument).Name} has no identity member"),
    };
}
