using FlowRelay.Protocols.Cef;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Events;

/// <summary>A CEF message received from another device, with where and when it arrived.</summary>
/// <param name="Cef">The parsed message (original kept).</param>
/// <param name="HeaderTimeNs">The syslog header's time (Unix ns), 0 when none.</param>
/// <param name="ReceivedNs">Arrival time (Unix ns).</param>
/// <param name="Sender">The peer that sent it; unset for files.</param>
/// <param name="Hostname">Syslog HOSTNAME, null when none.</param>
/// <param name="Input">The input it came through.</param>
/// <param name="Truncated">The message was longer than the maximum size and was cut.</param>
public readonly record struct CefInputEvent(CefEvent Cef, long HeaderTimeNs, long ReceivedNs, IpAddr Sender, string? Hostname, string? Input, bool Truncated);
