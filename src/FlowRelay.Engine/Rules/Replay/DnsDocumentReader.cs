using System.Text.Json;
using FlowRelay.Engine.Dns;
using FlowRelay.Engine.Events;
using FlowRelay.Protocols.DnsLogs;
using static FlowRelay.Engine.Rules.Replay.EcsDocument;

namespace FlowRelay.Engine.Rules.Replay;

/// <summary>
/// Reads ECS DNS documents (the relay's own <c>dns-*.ndjson</c>, or any ECS DNS event with
/// <c>dns.question.name</c>) back into <see cref="DnsEvent"/>s for <c>flowrelay rules test</c>.
/// The name is split with the Public Suffix List again, as the relay does on arrival. A tool
/// path: allocates freely.
/// </summary>
public static class DnsDocumentReader
{
    /// <summary>True when the document is a DNS event (has <c>dns.question.name</c>).</summary>
    public static bool IsDns(JsonElement root) => Str(root, "dns.question.name") is not null;

    /// <summary>Parses one DNS document; false (with the reason) when it is not usable.</summary>
    public static bool TryRead(JsonElement root, PublicSuffixList? suffixes, out DnsEvent e, out string? error)
    {
        e = default;
        error = null;
        var r = DnsQueryRecord.Empty();
        r.QueryName = Str(root, "dns.question.name") ?? "";
        if (r.QueryName.Length == 0)
        {
            error = "no dns.question.name";
            return false;
        }
        if (Time(root, "@timestamp") is not { } t)
        {
            error = "no event time (@timestamp)";
            return false;
        }
        r.TimestampUnixNs = t;
        r.TimestampHasZone = true;
        if ((Ip(root, "source.ip") ?? Ip(root, "client.ip")) is { } client) r.ClientIp = client;
        if ((Num(root, "source.port") ?? Num(root, "client.port")) is { } cp) r.ClientPort = (ushort)cp;
        if ((Ip(root, "destination.ip") ?? Ip(root, "server.ip")) is { } server) r.Server = server;
        if ((Num(root, "destination.port") ?? Num(root, "server.port")) is { } sp) r.ServerPort = (ushort)sp;
        r.QueryTypeName = Str(root, "dns.question.type");
        r.QueryClassName = Str(root, "dns.question.class");
        r.ResponseCodeName = Str(root, "dns.response_code");
        r.Transport = Str(root, "network.transport");
        if (Num(root, "event.duration") is { } d) r.DurationNs = d;
        e = DnsEvent.Create(r, 0, false, t, suffixes);
        if (Ip(root, "observer.ip") is { } o) e.Observer = o;
        e.ObserverHostname = Str(root, "observer.hostname");
        return true;
    }
}
