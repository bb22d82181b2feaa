using System.Buffers;
using System.Threading.Channels;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Ingest.Syslog;

/// <summary>
/// The bounded queue between the log inputs (syslog listeners, file tailers: many writers) and
/// the DNS pipeline (one reader). Listeners drop and count when it is full; file tailers wait,
/// since a file can be read again later and losing its lines would break the no-loss promise.
/// </summary>
public sealed class LogChannel
{
    private readonly Channel<LogMessage> _channel;

    public LogChannel(int capacity)
    {
        Capacity = capacity;
        _channel = Channel.CreateBounded<LogMessage>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = false,
        });
    }

    /// <summary>Most messages queued at once.</summary>
    public int Capacity { get; }

    public ChannelReader<LogMessage> Reader => _channel.Reader;

    /// <summary>Messages queued right now.</summary>
    public int Count => _channel.Reader.CanCount ? _channel.Reader.Count : 0;

    /// <summary>
    /// Copies <paramref name="message"/> into a pooled buffer and queues it; when the queue is full
    /// the message is dropped and counted on its source. Returns false when dropped.
    /// </summary>
    public bool TryPublish(ReadOnlySpan<byte> message, IpAddr sender, long receivedNs, bool truncated, LogSource source)
    {
        var counters = source.Counters;
        Interlocked.Increment(ref counters.Messages);
        Interlocked.Add(ref counters.Bytes, message.Length);
        if (truncated) Interlocked.Increment(ref counters.Truncated);
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, message.Length));
        message.CopyTo(rented);
        if (_channel.Writer.TryWrite(new LogMessage(rented, message.Length, sender, receivedNs, truncated, source)))
            return true;
        ArrayPool<byte>.Shared.Return(rented);
        Interlocked.Increment(ref counters.DroppedQueueFull);
        return false;
    }

    /// <summary>Queues a message, waiting for room (file input: back-pressure instead of loss).</summary>
    public ValueTask WriteAsync(in LogMessage message, CancellationToken cancellationToken) =>
        _channel.Writer.WriteAsync(message, cancellationToken);

    /// <summary>Returns a message's buffer to the pool once it has been processed.</summary>
    public static void Release(in LogMessage message) => ArrayPool<byte>.Shared.Return(message.Buffer);

    internal static long NowNs() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
}
