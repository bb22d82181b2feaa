using System.Net;
using System.Net.Sockets;

namespace FlowRelay.Ingest;

/// <summary>
/// The receive loop of the UDP listeners (flows and syslog): a thread of its own with blocking
/// receives, not an async loop on the thread pool. Every completed asynchronous receive was a
/// thread-pool work item, so a busy or starved pool (or a pause in it) kept the socket unread
/// while the kernel's buffer filled. The thread wakes every <see cref="StopPollMs"/> ms when no
/// datagram comes, to see the stop; it ends when the socket is closed under it.
/// </summary>
internal static class UdpReceiveLoop
{
    /// <summary>How often the blocking receive wakes to see whether the relay is stopping.</summary>
    public const int StopPollMs = 200;

    /// <summary>The largest UDP payload.</summary>
    public const int MaxDatagram = 65536;

    /// <summary>
    /// Asks for a receive buffer of <paramref name="bytes"/> (SO_RCVBUF). Linux caps that at
    /// net.core.rmem_max (4 MiB on many systems); a relay with CAP_NET_ADMIN (root) then takes the
    /// configured size anyway with SO_RCVBUFFORCE, as a user who configured it expects. The buffer is
    /// what covers the moments the receive thread cannot run: the collector stops every managed thread
    /// for its pauses, and a 200 ms pause at a million records a second is about 20 MB of datagrams.
    /// Returns true when the size had to be forced; the caller logs what it got.
    /// </summary>
    public static bool SetReceiveBuffer(Socket socket, int bytes)
    {
        socket.ReceiveBufferSize = bytes;
        // Linux reports twice the size it granted.
        if (!OperatingSystem.IsLinux() || socket.ReceiveBufferSize >= bytes) return false;
        const int SolSocket = 1, SoRcvBufForce = 33;
        try
        {
            socket.SetRawSocketOption(SolSocket, SoRcvBufForce, BitConverter.GetBytes(bytes));
            return socket.ReceiveBufferSize >= bytes;
        }
        catch (SocketException)
        {
            return false; // no CAP_NET_ADMIN: keep what SO_RCVBUF granted
        }
    }

    /// <summary>
    /// One received datagram (valid only during the call) and its sender's raw address;
    /// <paramref name="stopping"/> is the loop's stop token, which ends a handler's wait for room in
    /// a full queue (<see cref="QueueWait"/>).
    /// </summary>
    public delegate void DatagramHandler(ReadOnlySpan<byte> datagram, SocketAddress from, CancellationToken stopping);

    /// <summary>Runs the loop on a new thread named <paramref name="threadName"/>; the task ends when the loop does.</summary>
    /// <param name="socket">A bound UDP socket; closing it ends the loop.</param>
    /// <param name="threadName">The loop thread's name (seen in perf, top -H, dotnet-trace).</param>
    /// <param name="onDatagram">Called on the loop thread for each datagram.</param>
    /// <param name="stoppingToken">Ends the loop within <see cref="StopPollMs"/> ms.</param>
    /// <param name="onError">A receive that failed (an ICMP error for an earlier send, a datagram larger than the buffer): counted by the caller, the loop goes on.</param>
    public static Task Start(Socket socket, string threadName, DatagramHandler onDatagram, Action<SocketError> onError, CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(socket, threadName, onDatagram, onError, stoppingToken),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static void Run(Socket socket, string threadName, DatagramHandler onDatagram, Action<SocketError> onError, CancellationToken stoppingToken)
    {
        Thread.CurrentThread.Name = threadName;
        socket.ReceiveTimeout = StopPollMs;
        // One receive buffer for the life of the socket; the handler copies out what it keeps.
        var buffer = new byte[MaxDatagram];
        var address = new SocketAddress(socket.AddressFamily);
        while (!stoppingToken.IsCancellationRequested)
        {
            int length;
            try
            {
                length = socket.ReceiveFrom(buffer, SocketFlags.None, address);
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
            {
                continue; // nothing arrived within StopPollMs: look at the stop token again
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted or SocketError.Shutdown)
            {
                break; // the socket was closed under the receive
            }
            catch (SocketException e)
            {
                onError(e.SocketErrorCode);
                continue;
            }
            onDatagram(buffer.AsSpan(0, length), address, stoppingToken);
        }
    }
}
