namespace FlowRelay.Ingest.Syslog;

/// <summary>Limits that keep a stream listener's memory and connections bounded.</summary>
/// <param name="MaxMessageSize">Longest message kept; longer ones are cut to it and counted.</param>
/// <param name="MaxConnections">Connections open at once per listener; more are closed on accept.</param>
/// <param name="IdleTimeout">A connection (or TLS handshake) silent this long is closed.</param>
public sealed record SyslogReceiverLimits(int MaxMessageSize, int MaxConnections, TimeSpan IdleTimeout);
