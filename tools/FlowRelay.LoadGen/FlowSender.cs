using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FlowRelay.LoadGen;

/// <summary>Sends the export of a group of exporters from one thread, round-robin, paced in flow records per second.</summary>
public sealed class FlowSender : IDisposable
{
    private readonly (ExporterStream Stream, Socket Socket)[] _exporters;
    private readonly long _epochMsAtStart = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public FlowSender(LoadGenOptions o, IReadOnlyList<int> exporterIndexes, long bootMs)
    {
        _exporters = new (ExporterStream, Socket)[exporterIndexes.Count];
        uint baseAddr = ToUInt(o.SourceBase);
        for (int i = 0; i < exporterIndexes.Count; i++)
        {
            int index = exporterIndexes[i];
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.SendBufferSize = 1 << 20;
            socket.Bind(new IPEndPoint(o.SingleSource ? IPAddress.Any : FromUInt(baseAddr + (uint)index), 0));
            socket.Connect(o.Target);
            _exporters[i] = (new ExporterStream(o.Format, index, o.RecordsPerPacket, o.TemplateRefresh, o.Hosts, o.Ipv6Share, o.Seed, bootMs, o.DirectDnsShare), socket);
        }
    }

    public SendTotals Totals { get; } = new();

    private int _cursor;

    /// <summary>Sends one packet from the next exporter; returns the flow records it carried.</summary>
    public long SendOne()
    {
        var (stream, socket) = _exporters[_cursor];
        _cursor = _cursor + 1 == _exporters.Length ? 0 : _cursor + 1;
        long nowMs = _epochMsAtStart + _clock.ElapsedMilliseconds;
        var packet = stream.Next(nowMs);
        var t = Totals;
        try
        {
            socket.Send(packet, SocketFlags.None);
        }
        catch (SocketException)
        {
            t.SendErrors++;
            // Count the records as offered: a refused send still took its turn in the pacing.
            return Math.Max(1, stream.LastRecords);
        }
        t.Packets++;
        t.Bytes += packet.Length;
        if (stream.LastRecords == 0) t.TemplatePackets++;
        t.Records += stream.LastRecords;
        // A template packet counts as one unit so that pacing keeps moving with template refresh 1.
        return Math.Max(1, stream.LastRecords);
    }

    public void Dispose()
    {
        foreach (var (_, s) in _exporters) s.Dispose();
    }

    private static uint ToUInt(IPAddress a)
    {
        var b = a.GetAddressBytes();
        return (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
    }

    private static IPAddress FromUInt(uint v) => new([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]);
}
