using System.Globalization;
using System.Net.Sockets;

namespace FlowRelay.Ingest;

/// <summary>
/// The kernel's own count of datagrams it dropped for one UDP socket (its receive buffer was full):
/// the <c>drops</c> column of <c>/proc/net/udp</c> (<c>udp6</c> for IPv6), found by the socket's
/// inode. These drops happen before the relay sees the datagram, so no counter of its own can know
/// them; a relay whose stats said "nothing dropped" while the kernel dropped would mislead. Linux only.
/// </summary>
internal sealed class KernelUdpDrops
{
    private readonly string _table;
    private readonly string _inode;

    private KernelUdpDrops(string table, string inode)
    {
        _table = table;
        _inode = inode;
    }

    /// <summary>The reader for <paramref name="socket"/>, or null where there is no /proc (not Linux) or it cannot be found.</summary>
    public static KernelUdpDrops? For(Socket socket)
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            // /proc/self/fd/N links to "socket:[inode]".
            string? target = new FileInfo($"/proc/self/fd/{socket.Handle.ToInt64().ToString(CultureInfo.InvariantCulture)}").LinkTarget;
            if (target is null || !target.StartsWith("socket:[", StringComparison.Ordinal) || !target.EndsWith(']')) return null;
            return new KernelUdpDrops(socket.AddressFamily == AddressFamily.InterNetworkV6 ? "/proc/net/udp6" : "/proc/net/udp", target[8..^1]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            return null;
        }
    }

    /// <summary>Datagrams the kernel dropped on this socket since it was opened; null when its row cannot be read.</summary>
    public long? Read()
    {
        try
        {
            // "sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ref pointer drops"
            foreach (string line in File.ReadLines(_table))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 13 && parts[9] == _inode)
                    return long.TryParse(parts[12], NumberStyles.None, CultureInfo.InvariantCulture, out long drops) ? drops : null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }
}
