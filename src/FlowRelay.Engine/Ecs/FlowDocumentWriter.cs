using System.Text.Json;
using FlowRelay.Engine.Events;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Ecs;

/// <summary>
/// Writes a <see cref="FlowEvent"/> as one ECS JSON document. Field names follow ECS
/// (../shared/reference/ecs-fields.csv); what ECS lacks goes under <c>flowrelay.*</c>.
/// Property names are pre-encoded and values formatted into stack buffers, so writing a
/// document allocates nothing.
/// </summary>
public static class FlowDocumentWriter
{
    private static readonly JsonEncodedText Timestamp = JsonEncodedText.Encode("@timestamp");
    private static readonly JsonEncodedText Event = JsonEncodedText.Encode("event");
    private static readonly JsonEncodedText Kind = JsonEncodedText.Encode("kind");
    private static readonly JsonEncodedText KindEvent = JsonEncodedText.Encode("event");
    private static readonly JsonEncodedText Category = JsonEncodedText.Encode("category");
    private static readonly JsonEncodedText Network = JsonEncodedText.Encode("network");
    private static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText Connection = JsonEncodedText.Encode("connection");
    private static readonly JsonEncodedText Action = JsonEncodedText.Encode("action");
    private static readonly JsonEncodedText NetworkFlow = JsonEncodedText.Encode("network_flow");
    private static readonly JsonEncodedText Dataset = JsonEncodedText.Encode("dataset");
    private static readonly JsonEncodedText FlowDataset = JsonEncodedText.Encode("flowrelay.flow");
    private static readonly JsonEncodedText Module = JsonEncodedText.Encode("module");
    private static readonly JsonEncodedText FlowRelayName = JsonEncodedText.Encode("flowrelay");
    private static readonly JsonEncodedText ExcludedBy = JsonEncodedText.Encode("excluded_by");
    private static readonly JsonEncodedText Created = JsonEncodedText.Encode("created");
    private static readonly JsonEncodedText Start = JsonEncodedText.Encode("start");
    private static readonly JsonEncodedText End = JsonEncodedText.Encode("end");
    private static readonly JsonEncodedText Duration = JsonEncodedText.Encode("duration");
    private static readonly JsonEncodedText Observer = JsonEncodedText.Encode("observer");
    private static readonly JsonEncodedText Ip = JsonEncodedText.Encode("ip");
    private static readonly JsonEncodedText Ingress = JsonEncodedText.Encode("ingress");
    private static readonly JsonEncodedText Egress = JsonEncodedText.Encode("egress");
    private static readonly JsonEncodedText Interface = JsonEncodedText.Encode("interface");
    private static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText Source = JsonEncodedText.Encode("source");
    private static readonly JsonEncodedText Destination = JsonEncodedText.Encode("destination");
    private static readonly JsonEncodedText Port = JsonEncodedText.Encode("port");
    private static readonly JsonEncodedText Bytes = JsonEncodedText.Encode("bytes");
    private static readonly JsonEncodedText Packets = JsonEncodedText.Encode("packets");
    private static readonly JsonEncodedText As = JsonEncodedText.Encode("as");
    private static readonly JsonEncodedText Number = JsonEncodedText.Encode("number");
    private static readonly JsonEncodedText Transport = JsonEncodedText.Encode("transport");
    private static readonly JsonEncodedText IanaNumber = JsonEncodedText.Encode("iana_number");
    private static readonly JsonEncodedText CommunityIdName = JsonEncodedText.Encode("community_id");
    private static readonly JsonEncodedText Vlan = JsonEncodedText.Encode("vlan");
    private static readonly JsonEncodedText Related = JsonEncodedText.Encode("related");
    private static readonly JsonEncodedText Version = JsonEncodedText.Encode("version");
    private static readonly JsonEncodedText TemplateId = JsonEncodedText.Encode("template_id");
    private static readonly JsonEncodedText SourceId = JsonEncodedText.Encode("source_id");
    private static readonly JsonEncodedText Sequence = JsonEncodedText.Encode("sequence");
    private static readonly JsonEncodedText TcpFlags = JsonEncodedText.Encode("tcp_flags");
    private static readonly JsonEncodedText TcpFlagNames = JsonEncodedText.Encode("tcp_flag_names");
    private static readonly JsonEncodedText Tos = JsonEncodedText.Encode("tos");
    private static readonly JsonEncodedText Sampling = JsonEncodedText.Encode("sampling");
    private static readonly JsonEncodedText Rate = JsonEncodedText.Encode("rate");
    private static readonly JsonEncodedText RawBytes = JsonEncodedText.Encode("raw_bytes");
    private static readonly JsonEncodedText RawPackets = JsonEncodedText.Encode("raw_packets");
    private static readonly JsonEncodedText NextHop = JsonEncodedText.Encode("next_hop");
    private static readonly JsonEncodedText SourceMask = JsonEncodedText.Encode("source_mask");
    private static readonly JsonEncodedText DestinationMask = JsonEncodedText.Encode("destination_mask");
    private static readonly JsonEncodedText FlowDirection = JsonEncodedText.Encode("flow_direction");
    private static readonly JsonEncodedText EndReason = JsonEncodedText.Encode("end_reason");
    private static readonly JsonEncodedText Icmp = JsonEncodedText.Encode("icmp");
    private static readonly JsonEncodedText Code = JsonEncodedText.Encode("code");
    private static readonly JsonEncodedText Exported = JsonEncodedText.Encode("exported");
    private static readonly JsonEncodedText Client = JsonEncodedText.Encode("client");
    private static readonly JsonEncodedText Server = JsonEncodedText.Encode("server");
    private static readonly JsonEncodedText Host = JsonEncodedText.Encode("host");
    private static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText DirectionName = JsonEncodedText.Encode("direction");
    private static readonly JsonEncodedText ProtocolName = JsonEncodedText.Encode("protocol");
    private static readonly JsonEncodedText Domain = JsonEncodedText.Encode("domain");
    private static readonly JsonEncodedText RegisteredDomain = JsonEncodedText.Encode("registered_domain");
    private static readonly JsonEncodedText Organization = JsonEncodedText.Encode("organization");
    private static readonly JsonEncodedText Geo = JsonEncodedText.Encode("geo");
    private static readonly JsonEncodedText ContinentCode = JsonEncodedText.Encode("continent_code");
    private static readonly JsonEncodedText ContinentName = JsonEncodedText.Encode("continent_name");
    private static readonly JsonEncodedText CountryIsoCode = JsonEncodedText.Encode("country_iso_code");
    private static readonly JsonEncodedText CountryName = JsonEncodedText.Encode("country_name");
    private static readonly JsonEncodedText RegionIsoCode = JsonEncodedText.Encode("region_iso_code");
    private static readonly JsonEncodedText RegionName = JsonEncodedText.Encode("region_name");
    private static readonly JsonEncodedText CityName = JsonEncodedText.Encode("city_name");
    private static readonly JsonEncodedText PostalCode = JsonEncodedText.Encode("postal_code");
    private static readonly JsonEncodedText Timezone = JsonEncodedText.Encode("timezone");
    private static readonly JsonEncodedText Location = JsonEncodedText.Encode("location");
    private static readonly JsonEncodedText Lat = JsonEncodedText.Encode("lat");
    private static readonly JsonEncodedText Lon = JsonEncodedText.Encode("lon");
    private static readonly JsonEncodedText Zone = JsonEncodedText.Encode("zone");
    private static readonly JsonEncodedText Site = JsonEncodedText.Encode("site");
    private static readonly JsonEncodedText Asset = JsonEncodedText.Encode("asset");
    private static readonly JsonEncodedText Owner = JsonEncodedText.Encode("owner");
    private static readonly JsonEncodedText Criticality = JsonEncodedText.Encode("criticality");
    private static readonly JsonEncodedText Resolved = JsonEncodedText.Encode("resolved");
    private static readonly JsonEncodedText ClientServer = JsonEncodedText.Encode("client_server");
    private static readonly JsonEncodedText Reason = JsonEncodedText.Encode("reason");
    private static readonly JsonEncodedText Confidence = JsonEncodedText.Encode("confidence");
    private static readonly JsonEncodedText InternalHost = JsonEncodedText.Encode("internal_host");
    private static readonly JsonEncodedText Upload = JsonEncodedText.Encode("upload");
    private static readonly JsonEncodedText Download = JsonEncodedText.Encode("download");

    private static readonly JsonEncodedText[] DirectionNames =
    [
        default, JsonEncodedText.Encode("unknown"), JsonEncodedText.Encode("inbound"), JsonEncodedText.Encode("outbound"),
        JsonEncodedText.Encode("internal"), JsonEncodedText.Encode("external"),
    ];

    private static readonly JsonEncodedText[] ReasonNames =
    [
        default, JsonEncodedText.Encode("paired_start_time"), JsonEncodedText.Encode("tcp_syn"), JsonEncodedText.Encode("icmp_type"),
        JsonEncodedText.Encode("service_port"), JsonEncodedText.Encode("lower_port"), JsonEncodedText.Encode("start_time"),
    ];

    private static readonly JsonEncodedText[] SamplingSources =
    [
        JsonEncodedText.Encode("none"), JsonEncodedText.Encode("header"), JsonEncodedText.Encode("options_data"),
        JsonEncodedText.Encode("record"), JsonEncodedText.Encode("configured"),
    ];

    private static readonly JsonEncodedText[] FlagNames =
    [
        JsonEncodedText.Encode("FIN"), JsonEncodedText.Encode("SYN"), JsonEncodedText.Encode("RST"),
        JsonEncodedText.Encode("PSH"), JsonEncodedText.Encode("ACK"), JsonEncodedText.Encode("URG"),
        JsonEncodedText.Encode("ECE"), JsonEncodedText.Encode("CWR"),
    ];

    private static readonly JsonEncodedText Ipv4 = JsonEncodedText.Encode("ipv4");
    private static readonly JsonEncodedText Ipv6 = JsonEncodedText.Encode("ipv6");
    private static readonly JsonEncodedText Ingress_ = JsonEncodedText.Encode("ingress");
    private static readonly JsonEncodedText Egress_ = JsonEncodedText.Encode("egress");

    /// <summary>Writes one document (a complete JSON object) to <paramref name="writer"/>.</summary>
    public static void Write(Utf8JsonWriter writer, in FlowEvent flowEvent)
    {
        ref readonly FlowRecord f = ref flowEvent.Flow;
        bool hasEnd = f.EndNs != 0;

        // Every address and time is formatted once, however many fields carry it.
        Span<byte> received = stackalloc byte[DateBuffer];
        received = received[..FormatDate(f.ReceivedNs, received)];
        Span<byte> end = stackalloc byte[DateBuffer];
        end = hasEnd ? end[..FormatDate(f.EndNs, end)] : default;
        Span<byte> source = stackalloc byte[IpBuffer];
        source = source[..FormatIp(f.SourceAddress, source)];
        Span<byte> destination = stackalloc byte[IpBuffer];
        destination = destination[..FormatIp(f.DestinationAddress, destination)];
        Span<byte> scratch = stackalloc byte[IpBuffer];

        writer.WriteStartObject();
        WriteText(writer, Timestamp, hasEnd ? end : received);

        writer.WriteStartObject(Event);
        writer.WriteString(Kind, KindEvent);
        writer.WriteStartArray(Category);
        writer.WriteStringValue(Network);
        writer.WriteEndArray();
        writer.WriteStartArray(Type);
        writer.WriteStringValue(Connection);
        writer.WriteEndArray();
        writer.WriteString(Action, NetworkFlow);
        writer.WriteString(Dataset, FlowDataset);
        writer.WriteString(Module, FlowRelayName);
        WriteText(writer, Created, received);
        if (f.StartNs != 0) WriteDate(writer, Start, f.StartNs);
        if (hasEnd) WriteText(writer, End, end);
        if (f.StartNs != 0 && hasEnd && f.EndNs >= f.StartNs) writer.WriteNumber(Duration, f.EndNs - f.StartNs);
        writer.WriteEndObject();

        writer.WriteStartObject(Observer);
        WriteText(writer, Ip, scratch[..FormatIp(f.Exporter, scratch)]);
        if ((f.Present & FlowFields.Interfaces) != 0)
        {
            WriteInterface(writer, Ingress, f.InputInterface);
            WriteInterface(writer, Egress, f.OutputInterface);
        }
        writer.WriteEndObject();

        bool hasAs = (f.Present & FlowFields.AutonomousSystems) != 0;
        bool hasPorts = (f.Present & FlowFields.Ports) != 0;
        bool hasReverse = (f.Present & FlowFields.ReverseCounters) != 0;

        writer.WriteStartObject(Source);
        WriteText(writer, Ip, source);
        if (hasPorts) writer.WriteNumber(Port, f.SourcePort);
        writer.WriteNumber(Bytes, f.Bytes);
        writer.WriteNumber(Packets, f.Packets);
        WriteEndpointNames(writer, flowEvent.SourceDomain, flowEvent.SourceRegisteredDomain);
        WriteGeoAndAs(writer, flowEvent.SourceGeo, hasAs ? f.SourceAs : 0);
        writer.WriteEndObject();

        writer.WriteStartObject(Destination);
        WriteText(writer, Ip, destination);
        if (hasPorts) writer.WriteNumber(Port, f.DestinationPort);
        if (hasReverse)
        {
            writer.WriteNumber(Bytes, f.ReverseBytes);
            writer.WriteNumber(Packets, f.ReversePackets);
        }
        WriteEndpointNames(writer, flowEvent.DestinationDomain, flowEvent.DestinationRegisteredDomain);
        WriteGeoAndAs(writer, flowEvent.DestinationGeo, hasAs ? f.DestinationAs : 0);
        writer.WriteEndObject();

        if (flowEvent.ClientServerReason != ClientServerReason.None)
        {
            bool cs = flowEvent.ClientIsSource;
            // Each side's bytes only from this record's own counters, so sums over documents never double count.
            WriteParty(writer, Client, cs ? source : destination, cs ? f.SourcePort : f.DestinationPort, hasPorts,
                cs || hasReverse, cs ? f.Bytes : f.ReverseBytes, cs ? f.Packets : f.ReversePackets);
            WriteParty(writer, Server, cs ? destination : source, cs ? f.DestinationPort : f.SourcePort, hasPorts,
                !cs || hasReverse, cs ? f.ReverseBytes : f.Bytes, cs ? f.ReversePackets : f.Packets);
        }

        if (flowEvent.InternalSide != InternalSide.None)
        {
            AssetInfo? asset = flowEvent.InternalSide == InternalSide.Source ? flowEvent.SourceAsset : flowEvent.DestinationAsset;
            writer.WriteStartObject(Host);
            WriteText(writer, Ip, InternalHostText(flowEvent.InternalSide, source, destination));
            if (asset is not null) writer.WriteString(Name, asset.Name);
            writer.WriteEndObject();
        }

        writer.WriteStartObject(Network);
        JsonEncodedText transport = TransportName(f.Protocol);
        if (transport.EncodedUtf8Bytes.Length > 0) writer.WriteString(Transport, transport);
        Span<byte> num = stackalloc byte[48];
        f.Protocol.TryFormat(num, out int n);
        writer.WriteString(IanaNumber, num[..n]);
        if (f.SourceAddress.IsSet) writer.WriteString(Type, f.SourceAddress.IsV4 ? Ipv4 : Ipv6);
        if (flowEvent.Direction != NetworkDirection.None && (int)flowEvent.Direction < DirectionNames.Length)
            writer.WriteString(DirectionName, DirectionNames[(int)flowEvent.Direction]);
        if (flowEvent.ApplicationProtocol is not null) writer.WriteString(ProtocolName, flowEvent.ApplicationProtocol);
        writer.WriteNumber(Bytes, f.Bytes + f.ReverseBytes);
        writer.WriteNumber(Packets, f.Packets + f.ReversePackets);
        if (flowEvent.CommunityId.HasValue)
        {
            writer.WriteString(CommunityIdName, flowEvent.CommunityId.Value);
        }
        if ((f.Present & FlowFields.VlanId) != 0 && f.VlanId != 0)
        {
            writer.WriteStartObject(Vlan);
            f.VlanId.TryFormat(num, out n);
            writer.WriteString(Id, num[..n]);
            writer.WriteEndObject();
        }
        writer.WriteEndObject();

        writer.WriteStartObject(Related);
        writer.WriteStartArray(Ip);
        if (source.Length > 0) writer.WriteStringValue(source);
        if (f.DestinationAddress != f.SourceAddress && destination.Length > 0) writer.WriteStringValue(destination);
        writer.WriteEndArray();
        writer.WriteEndObject();

        writer.WriteStartObject(FlowRelayName);
        writer.WriteNumber(Version, f.Version);
        writer.WriteNumber(SourceId, f.SourceId);
        if (f.TemplateId != 0) writer.WriteNumber(TemplateId, f.TemplateId);
        writer.WriteNumber(Sequence, f.Sequence);
        if (f.ExportNs != 0) WriteDate(writer, Exported, f.ExportNs);
        if ((f.Present & FlowFields.TcpFlags) != 0 && f.Protocol == 6)
        {
            writer.WriteNumber(TcpFlags, f.TcpFlags);
            writer.WriteStartArray(TcpFlagNames);
            for (int bit = 0; bit < 8; bit++)
            {
                if ((f.TcpFlags & (1 << bit)) != 0) writer.WriteStringValue(FlagNames[bit]);
            }
            writer.WriteEndArray();
        }
        if ((f.Present & FlowFields.Tos) != 0) writer.WriteNumber(Tos, f.Tos);
        if ((f.Present & FlowFields.NextHop) != 0 && f.NextHop.IsSet) WriteIp(writer, NextHop, f.NextHop);
        if ((f.Present & FlowFields.Masks) != 0)
        {
            writer.WriteNumber(SourceMask, f.SourceMask);
            writer.WriteNumber(DestinationMask, f.DestinationMask);
        }
        if ((f.Present & FlowFields.FlowDirection) != 0 && f.FlowDirection <= 1)
        {
            writer.WriteString(FlowDirection, f.FlowDirection == 0 ? Ingress_ : Egress_);
        }
        if ((f.Present & FlowFields.FlowEndReason) != 0) writer.WriteNumber(EndReason, f.FlowEndReason);
        if (f.Protocol is 1 or 58)
        {
            ushort typeCode = (f.Present & FlowFields.IcmpTypeCode) != 0 ? f.IcmpTypeCode : f.DestinationPort;
            writer.WriteStartObject(Icmp);
            writer.WriteNumber(Type, typeCode >> 8);
            writer.WriteNumber(Code, typeCode & 0xFF);
            writer.WriteEndObject();
        }
        writer.WriteStartObject(Sampling);
        writer.WriteNumber(Rate, f.SamplingRate == 0 ? 1 : f.SamplingRate);
        writer.WriteString(Source, SamplingSources[(int)f.SamplingSource < SamplingSources.Length ? (int)f.SamplingSource : 0]);
        writer.WriteNumber(RawBytes, f.RawBytes);
        writer.WriteNumber(RawPackets, f.RawPackets);
        writer.WriteEndObject();
        WriteEnrichment(writer, flowEvent, InternalHostText(flowEvent.InternalSide, source, destination));
        if (flowEvent.ExcludedBy is not null) writer.WriteString(ExcludedBy, flowEvent.ExcludedBy);
        writer.WriteEndObject();

        writer.WriteEndObject();
    }

    private static JsonEncodedText TransportName(byte protocol) => protocol switch
    {
        6 => TransportTcp,
        17 => TransportUdp,
        1 => TransportIcmp,
        58 => TransportIpv6Icmp,
        132 => TransportSctp,
        47 => TransportGre,
        50 => TransportEsp,
        51 => TransportAh,
        _ => default,
    };

    // ECS network.transport: the lowercase IANA keyword (https://www.iana.org/assignments/protocol-numbers).
    private static readonly JsonEncodedText TransportTcp = JsonEncodedText.Encode("tcp");
    private static readonly JsonEncodedText TransportUdp = JsonEncodedText.Encode("udp");
    private static readonly JsonEncodedText TransportIcmp = JsonEncodedText.Encode("icmp");
    private static readonly JsonEncodedText TransportIpv6Icmp = JsonEncodedText.Encode("ipv6-icmp");
    private static readonly JsonEncodedText TransportSctp = JsonEncodedText.Encode("sctp");
    private static readonly JsonEncodedText TransportGre = JsonEncodedText.Encode("gre");
    private static readonly JsonEncodedText TransportEsp = JsonEncodedText.Encode("esp");
    private static readonly JsonEncodedText TransportAh = JsonEncodedText.Encode("ah");

    /// <summary>The flowrelay.* enrichment fields: zones, sites, assets, DNS join, client/server reason, upload/download.</summary>
    private static void WriteEnrichment(Utf8JsonWriter writer, in FlowEvent e, ReadOnlySpan<byte> internalHost)
    {
        WriteSide(writer, Source, e.SourceZones, e.SourceSite, e.SourceAsset, null);
        WriteSide(writer, Destination, e.DestinationZones, e.DestinationSite, e.DestinationAsset, e.DestinationResolved);
        if (e.ClientServerReason != ClientServerReason.None && (int)e.ClientServerReason < ReasonNames.Length)
        {
            writer.WriteStartObject(ClientServer);
            writer.WriteString(Reason, ReasonNames[(int)e.ClientServerReason]);
            writer.WriteNumber(Confidence, e.ClientServerConfidence / 100.0);
            writer.WriteEndObject();
        }
        if (e.InternalSide != InternalSide.None)
        {
            writer.WriteStartObject(InternalHost);
            WriteText(writer, Ip, internalHost);
            writer.WriteEndObject();
            writer.WriteStartObject(Upload);
            writer.WriteNumber(Bytes, e.UploadBytes);
            writer.WriteNumber(Packets, e.UploadPackets);
            writer.WriteEndObject();
            writer.WriteStartObject(Download);
            writer.WriteNumber(Bytes, e.DownloadBytes);
            writer.WriteNumber(Packets, e.DownloadPackets);
            writer.WriteEndObject();
        }
    }

    private static void WriteSide(Utf8JsonWriter writer, JsonEncodedText side, in ZoneSet zones, string? site, AssetInfo? asset, bool? resolved)
    {
        if (zones.IsEmpty && site is null && asset is null && resolved is null) return;
        writer.WriteStartObject(side);
        if (!zones.IsEmpty)
        {
            writer.WriteStartArray(Zone);
            for (int i = 0; i < zones.Names!.Count; i++)
            {
                if ((zones.Mask & (1UL << i)) != 0) writer.WriteStringValue(zones.Names.Encoded(i));
            }
            writer.WriteEndArray();
        }
        if (site is not null) writer.WriteString(Site, site);
        if (asset is not null)
        {
            writer.WriteStartObject(Asset);
            writer.WriteString(Name, asset.Name);
            if (asset.Owner is not null) writer.WriteString(Owner, asset.Owner);
            if (asset.Criticality is not null) writer.WriteString(Criticality, asset.Criticality);
            writer.WriteEndObject();
        }
        if (resolved is bool r) writer.WriteBoolean(Resolved, r);
        writer.WriteEndObject();
    }

    private static void WriteParty(Utf8JsonWriter writer, JsonEncodedText name, ReadOnlySpan<byte> ip, ushort port, bool hasPort, bool hasCounters, ulong bytes, ulong packets)
    {
        writer.WriteStartObject(name);
        WriteText(writer, Ip, ip);
        if (hasPort) writer.WriteNumber(Port, port);
        if (hasCounters)
        {
            writer.WriteNumber(Bytes, bytes);
            writer.WriteNumber(Packets, packets);
        }
        writer.WriteEndObject();
    }

    private static void WriteEndpointNames(Utf8JsonWriter writer, string? domain, string? registeredDomain)
    {
        if (domain is not null) writer.WriteString(Domain, domain);
        if (registeredDomain is not null) writer.WriteString(RegisteredDomain, registeredDomain);
    }

    /// <summary>ECS geo and AS from MaxMind; the exporter's AS number when MaxMind has none.</summary>
    private static void WriteGeoAndAs(Utf8JsonWriter writer, GeoInfo? geo, uint recordAs)
    {
        if (geo is not null && geo.HasGeo)
        {
            writer.WriteStartObject(Geo);
            WriteOptional(writer, ContinentCode, geo.ContinentCode);
            WriteOptional(writer, ContinentName, geo.ContinentName);
            WriteOptional(writer, CountryIsoCode, geo.CountryIsoCode);
            WriteOptional(writer, CountryName, geo.CountryName);
            WriteOptional(writer, RegionIsoCode, geo.RegionIsoCode);
            WriteOptional(writer, RegionName, geo.RegionName);
            WriteOptional(writer, CityName, geo.CityName);
            WriteOptional(writer, PostalCode, geo.PostalCode);
            WriteOptional(writer, Timezone, geo.Timezone);
            if (geo.Latitude is double lat && geo.Longitude is double lon)
            {
                writer.WriteStartObject(Location);
                writer.WriteNumber(Lat, lat);
                writer.WriteNumber(Lon, lon);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        uint number = geo is not null && geo.AsNumber != 0 ? geo.AsNumber : recordAs;
        if (number == 0) return;
        writer.WriteStartObject(As);
        writer.WriteNumber(Number, number);
        if (geo is not null && geo.AsNumber == number && geo.AsOrganization is not null)
        {
            writer.WriteStartObject(Organization);
            writer.WriteString(Name, geo.AsOrganization);
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is not null) writer.WriteString(name, value);
    }

    private static void WriteInterface(Utf8JsonWriter writer, JsonEncodedText name, uint index)
    {
        Span<byte> buf = stackalloc byte[16];
        index.TryFormat(buf, out int n);
        writer.WriteStartObject(name);
        writer.WriteStartObject(Interface);
        writer.WriteString(Id, buf[..n]);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteIp(Utf8JsonWriter writer, JsonEncodedText name, IpAddr address)
    {
        if (!address.IsSet) return;
        Span<byte> buf = stackalloc byte[48];
        if (address.TryFormat(buf, out int n)) writer.WriteString(name, buf[..n]);
    }

    private const int IpBuffer = 48, DateBuffer = 40;

    /// <summary>The address as text, or nothing when it is not set.</summary>
    private static int FormatIp(IpAddr address, Span<byte> buffer) => address.IsSet && address.TryFormat(buffer, out int n) ? n : 0;

    /// <summary>What <see cref="FlowEvent.InternalHost"/> formats to.</summary>
    private static ReadOnlySpan<byte> InternalHostText(InternalSide side, ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination) => side switch
    {
        InternalSide.Source => source,
        InternalSide.Destination => destination,
        _ => default,
    };

    /// <summary>A string member when there is text (an address or time that formatted); nothing otherwise.</summary>
    private static void WriteText(Utf8JsonWriter writer, JsonEncodedText name, ReadOnlySpan<byte> text)
    {
        if (text.Length > 0) writer.WriteString(name, text);
    }

    /// <summary>The time as <see cref="WriteDate(Utf8JsonWriter, JsonEncodedText, long)"/> writes it; 0 when it cannot be.</summary>
    private static int FormatDate(long unixNs, Span<byte> buffer) => Iso8601.Format(unixNs, buffer);

    /// <summary>Writes a Unix-nanosecond time as an ISO 8601 UTC string with millisecond precision.</summary>
    internal static void WriteDate(Utf8JsonWriter writer, JsonEncodedText name, long unixNs)
    {
        Span<byte> buf = stackalloc byte[DateBuffer];
        WriteText(writer, name, buf[..FormatDate(unixNs, buf)]);
    }
}
