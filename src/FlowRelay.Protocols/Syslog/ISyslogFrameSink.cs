namespace FlowRelay.Protocols.Syslog;

/// <summary>Receives the frames a <see cref="SyslogFrameDecoder"/> cuts from a stream.</summary>
public interface ISyslogFrameSink
{
    /// <summary>
    /// One message. <paramref name="frame"/> is only valid during the call. When
    /// <paramref name="truncated"/> is true it is the first <see cref="SyslogFrameDecoder.MaxMessageSize"/>
    /// bytes of a longer message whose rest was discarded.
    /// </summary>
    void OnFrame(ReadOnlySpan<byte> frame, bool truncated);
}
