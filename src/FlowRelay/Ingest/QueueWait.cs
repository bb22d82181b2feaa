using System.Threading.Channels;

namespace FlowRelay.Ingest;

/// <summary>
/// How a UDP receive thread waits for room in a full queue: yields a few times, then sleeps a
/// millisecond at a time, leaving the cores to the stages that are behind; nothing is allocated. The
/// socket goes unread meanwhile and its receive buffer holds what arrives, which the kernel drops
/// (and counts) only once that is full too. A millisecond is about 40 datagrams at a million flow
/// records a second, well within any socket buffer.
/// </summary>
internal static class QueueWait
{
    /// <summary>Writes <paramref name="item"/> once there is room; false only when <paramref name="stopping"/> was cancelled first.</summary>
    public static bool WriteWhenRoom<T>(ChannelWriter<T> writer, in T item, CancellationToken stopping)
    {
        for (int tries = 0; !writer.TryWrite(item); tries++)
        {
            if (stopping.IsCancellationRequested) return false;
            if (tries < 4) Thread.Yield();
            else Thread.Sleep(1);
        }
        return true;
    }
}
