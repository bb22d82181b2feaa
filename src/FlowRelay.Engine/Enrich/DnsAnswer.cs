namespace FlowRelay.Engine.Enrich;

/// <summary>One remembered DNS answer: the name an address was resolved from, until when, and when it was seen.</summary>
public readonly record struct DnsAnswer(string Name, string? RegisteredDomain, long SeenNs, long ExpiresNs);
