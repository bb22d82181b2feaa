namespace FlowRelay.Ingest;

/// <summary>Counters of one UDP listener; updated with Interlocked by the receive loop, read by stats.</summary>
public sealed class ReceiverCounters
{
    public long Datagrams;
    public long Bytes;
    /// <summary>Datagrams dropped because the queue to the decoder was full ("queue_full").</summary>
    public long DroppedQueueFull;
    /// <summary>Receive calls that failed (ICMP errors reported on the socket, etc.).</summary>
    public long ReceiveErrors;
}
