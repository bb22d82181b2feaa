using System.Net;
using System.Text.Json;

namespace FlowRelay.IntegrationTests.Infrastructure;

/// <summary>
/// The part of a flow record every tool reports: 5-tuple, bytes and packets. ICMP "ports" are
/// compared as 0: nfdump prints type.code where the port would be, the relay writes the ICMP
/// type and code under flowrelay.icmp instead of a port (checked separately against tshark).
/// </summary>
public sealed record FlowTuple(string SourceIp, int SourcePort, string DestinationIp, int DestinationPort, int Protocol, long Bytes, long Packets)
{
    public static bool IsIcmp(int protocol) => protocol is 1 or 58;

    public static FlowTuple Create(string sourceIp, int sourcePort, string destinationIp, int destinationPort, int protocol, long bytes, long packets)
    {
        bool icmp = IsIcmp(protocol);
        return new FlowTuple(Canonical(sourceIp), icmp ? 0 : sourcePort, Canonical(destinationIp), icmp ? 0 : destinationPort, protocol, bytes, packets);
    }

    public static string Canonical(string ip) => IPAddress.Parse(ip.Trim()).ToString();

    public static FlowTuple FromRelay(JsonElement doc) => Create(
        doc.GetString("source.ip") ?? throw new InvalidDataException("document without source.ip: " + doc.GetRawText()),
        (int)(doc.GetLong("source.port") ?? 0),
        doc.GetString("destination.ip") ?? throw new InvalidDataException("document without destination.ip: " + doc.GetRawText()),
        (int)(doc.GetLong("destination.port") ?? 0),
        (int)(doc.GetLong("network.iana_number") ?? throw new InvalidDataException("document without network.iana_number: " + doc.GetRawText())),
        doc.GetLong("network.bytes") ?? throw new InvalidDataException("document without network.bytes: " + doc.GetRawText()),
        doc.GetLong("network.packets") ?? throw new InvalidDataException("document without network.packets: " + doc.GetRawText()));

    public override string ToString() => $"{SourceIp}:{SourcePort} -> {DestinationIp}:{DestinationPort} proto {Protocol} bytes {Bytes} packets {Packets}";

    /// <summary>Sorted lines, so two multisets compare with one Assert.Equal and a readable diff.</summary>
    public static List<string> Multiset(IEnumerable<FlowTuple> tuples) => tuples.Select(t => t.ToString()).Order(StringComparer.Ordinal).ToList();
}
