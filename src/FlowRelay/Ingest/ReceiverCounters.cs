namespace FlowRelay.Ingest;

/// <summary>Counters of one UDP listener; updated with Interlocked by the receive loop, read by stats.</summary>
public sealed class ReceiverCounters
{
    public long Datagrams;
    public long Bytes;
    /// <summary>
    /// Datagrams dropped because the queue to the decoder was full ("queue_full"). The receive loop
    /// waits for room instead (<see cref="QueueFullWaits"/>), so this counts only a datagram that was
    /// still waiting when the relay stopped.
    /// </summary>
    public long DroppedQueueFull;
    /// <summary>
    /// Datagrams that found the queue to the decoder full and waited for room ("queue_full_waits"),
    /// the socket unread meanwhile. Non-zero means the pipeline fell behind for a moment and the
    /// kernel's receive buffer covered it; if it was too small, <see cref="DroppedByKernel"/> says so.
    /// </summary>
    public long QueueFullWaits;
    /// <summary>Datagrams from a source outside inputs.flow.allowed_exporters ("not_allowed").</summary>
    public long DroppedNotAllowed;
    /// <summary>Datagrams over the source's inputs.flow.rate_limit ("rate_limited").</summary>
    public long DroppedRateLimited;
    /// <summary>Receive calls that failed (ICMP errors reported on the socket, etc.).</summary>
    public long ReceiveErrors;
    /// <summary>
    /// Datagrams the kernel dropped because the socket's receive buffer was full, before the relay
    /// could read them ("dropped_by_kernel", from /proc/net/udp; refreshed when stats are taken).
    /// </summary>
    public long DroppedByKernel;
}
