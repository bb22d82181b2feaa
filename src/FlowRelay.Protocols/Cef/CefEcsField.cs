namespace FlowRelay.Protocols.Cef;

/// <summary>One row of <see cref="CefEcsMapping"/>: a CEF extension key and the ECS field it fills.</summary>
/// <param name="FullName">The CEF dictionary's full key name (e.g. <c>sourceAddress</c>).</param>
/// <param name="ShortName">The short key senders use (e.g. <c>src</c>); null when the full name is the only one.</param>
/// <param name="EcsField">The ECS field (e.g. <c>source.ip</c>).</param>
/// <param name="Type">How the value is converted.</param>
public sealed record CefEcsField(string FullName, string? ShortName, string EcsField, CefValueType Type);
