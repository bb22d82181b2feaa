using FlowRelay.Protocols.Flows;

namespace FlowRelay.Ingest.Syslog;

/// <summary>
/// One message on its way from an input to the DNS pipeline. <see cref="Buffer"/> is rented from
/// <see cref="System.Buffers.ArrayPool{T}.Shared"/>; whoever takes it off the channel returns it.
/// </summary>
/// <param name="Buffer">The message's bytes (pooled: returned with <see cref="LogChannel.Release"/>).</param>
/// <param name="Length">How many bytes of <paramref name="Buffer"/> are the message.</param>
/// <param name="Sender">The peer that sent it (unset for files).</param>
/// <param name="ReceivedNs">When it arrived (Unix nanoseconds).</param>
/// <param name="Truncated">Cut to the maximum message size.</param>
/// <param name="Source">The input it came from (its counters).</param>
/// <param name="EndOffset">For file lines: the file offset just past the line, acknowledged once processed; else -1.</param>
/// <param name="Inode">For file lines: the inode of the file the line was read from.</param>
public readonly record struct LogMessage(byte[] Buffer, int Length, IpAddr Sender, long ReceivedNs, bool Truncated, LogSource Source, long EndOffset = -1, ulong Inode = 0)
{
    /// <summary>The message's bytes.</summary>
    public ReadOnlySpan<byte> Span => Buffer.AsSpan(0, Length);
}
