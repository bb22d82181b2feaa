using System.Buffers;
using System.Threading.Channels;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Ingest.Syslog;

/// <summary>
/// The bounded queue between the log inputs (syslog listeners, file tailers: many writers) and
/// the DNS pipeline (one reader). When it is full, file tailers wait, since a file can be read
/// again later and losing its lines would break the no-loss promise; UDP listeners wait too and
/// leave what arrives in their socket's receive buffer (<see cref="Publish"/>); TCP/TLS listeners
/// hold what did not fit and stop reading the connection until it is queued
/// (<see cref="PublishOrHold"/>, <see cref="WriteHeldAsync"/>), so TCP's flow control pushes back
/// to the sender.
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
    /// Copies <paramref name="message"/> into a pooled buffer and queues it. When the queue is full
    /// and <paramref name="wait"/> is set, waits for room (<see cref="QueueWait"/>, counted in the
    /// source's <c>queue_full_waits</c>) until <paramref name="stopping"/> is cancelled; only then,
    /// or at once without <paramref name="wait"/>, is the message dropped and counted on its source.
    /// Returns false when dropped. For a UDP listener's receive thread (waiting): its socket buffer
    /// holds what arrives while it waits.
    /// </summary>
    public bool Publish(ReadOnlySpan<byte> message, IpAddr sender, long receivedNs, bool truncated, LogSource source, bool wait, CancellationToken stopping)
    {
        var queued = Copy(message, sender, receivedNs, truncated, source);
        if (_channel.Writer.TryWrite(queued)) return true;
        if (wait)
        {
            Interlocked.Increment(ref source.Counters.QueueFullWaits);
            if (QueueWait.WriteWhenRoom(_channel.Writer, queued, stopping)) return true;
        }
        Release(queued);
        Interlocked.Increment(ref source.Counters.DroppedQueueFull);
        return false;
    }

    /// <summary>Counts a received message on its source and copies it into a pooled buffer.</summary>
    private static LogMessage Copy(ReadOnlySpan<byte> message, IpAddr sender, long receivedNs, bool truncated, LogSource source)
    {
        var counters = source.Counters;
        Interlocked.Increment(ref counters.Messages);
        Interlocked.Add(ref counters.Bytes, message.Length);
        if (truncated) Interlocked.Increment(ref counters.Truncated);
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, message.Length));
        message.CopyTo(rented);
        return new LogMessage(rented, message.Length, sender, receivedNs, truncated, source);
    }

    /// <summary>
    /// For a TCP/TLS connection: copies and queues <paramref name="message"/>, or, when the queue is
    /// full or messages are already held, adds it to <paramref name="held"/> (counted in the
    /// source's <c>queue_full_waits</c>). The connection then queues the held messages with
    /// <see cref="WriteHeldAsync"/> before it reads again; held messages keep their order.
    /// </summary>
    public void PublishOrHold(ReadOnlySpan<byte> message, IpAddr sender, long receivedNs, bool truncated, LogSource source, List<LogMessage> held)
    {
        var queued = Copy(message, sender, receivedNs, truncated, source);
        if (held.Count == 0 && _channel.Writer.TryWrite(queued)) return;
        Interlocked.Increment(ref source.Counters.QueueFullWaits);
        held.Add(queued);
    }

    /// <summary>
    /// Queues the messages <see cref="PublishOrHold"/> held, in order, waiting for room; empties
    /// <paramref name="held"/>. If <paramref name="stopping"/> ends the wait, what is still held is
    /// dropped and counted (<c>dropped_queue_full</c>).
    /// </summary>
    public async ValueTask WriteHeldAsync(List<LogMessage> held, LogSource source, CancellationToken stopping)
    {
        int written = 0;
        try
        {
            for (; written < held.Count; written++) await _channel.Writer.WriteAsync(held[written], stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            for (int i = written; i < held.Count; i++)
            {
                Release(held[i]);
                Interlocked.Increment(ref source.Counters.DroppedQueueFull);
            }
        }
        finally
        {
            held.Clear();
        }
    }

    /// <summary>Queues a message, waiting for room (file input: back-pressure instead of loss).</summary>
    public ValueTask WriteAsync(in LogMessage message, CancellationToken cancellationToken) =>
        _channel.Writer.WriteAsync(message, cancellationToken);

    /// <summary>Returns a message's buffer to the pool once it has been processed.</summary>
    public static void Release(in LogMessage message) => ArrayPool<byte>.Shared.Return(message.Buffer);

    internal static long NowNs() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
}
