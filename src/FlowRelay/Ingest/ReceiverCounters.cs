namespace FlowRelay.Ingest;

/// <summary>Counters of one UDP listener; updated with Interlocked by the receive loop, read by stats.</summary>
public sealed class ReceiverCounters
{
    public long Datagrams;
    public long Bytes;
    /// <summary>Datagrams dropped because the queue to the decoder was full ("queue_full").</summary>
    public long DroppedQueueFull;
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
