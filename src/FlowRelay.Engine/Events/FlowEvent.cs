using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Events;

/// <summary>
/// A flow as it moves through Enrich → Rules → Emit: the decoded record plus what enrichment adds.
/// A struct held in reusable batches so the pipeline allocates nothing per record. Later stages
/// (zones, direction, client/server, DNS join) add their fields here.
/// </summary>
public struct FlowEvent
{
    /// <summary>The record as decoded.</summary>
    public FlowRecord Flow;

    /// <summary>Community ID v1 ("1:" + base64 SHA-1), as ASCII, filled by enrichment.</summary>
    public CommunityIdValue CommunityId;
}
