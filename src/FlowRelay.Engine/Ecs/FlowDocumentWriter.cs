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
    /// <remarks>
    /// With the options the outputs use (compact; the default or the unsafe-relaxed encoder) the
    /// document is built as raw UTF-8 and handed to the writer in one piece, which is several
    /// times faster than a call into the writer per member; with any other options each member
    /// goes through the writer. The bytes are the same either way.
    /// </remarks>
    public static void Write(Utf8JsonWriter writer, in FlowEvent flowEvent)
    {
        if (RawJsonBuffer.Supports(writer))
        {
            var buffer = RawJsonBuffer.Begin(writer);
            WriteDocument(new RawOut(buffer), flowEvent);
            writer.WriteRawValue(buffer.Written, skipInputValidation: true);
        }
        else
        {
            WriteDocument(new WriterOut(writer), flowEvent);
        }
    }

    private static void WriteDocument<T>(T w, in FlowEvent flowEvent) where T : struct, IJsonOut
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

        w.StartObject();
        WriteText(w, Timestamp, hasEnd ? end : received);

        w.StartObject(Event);
        w.String(Kind, KindEvent);
        w.StartArray(Category);
        w.StringValue(Network);
        w.EndArray();
        w.StartArray(Type);
        w.StringValue(Connection);
        w.EndArray();
        w.String(Action, NetworkFlow);
        w.String(Dataset, FlowDataset);
        w.String(Module, FlowRelayName);
        WriteText(w, Created, received);
        if (f.StartNs != 0) WriteDate(w, Start, f.StartNs);
        if (hasEnd) WriteText(w, End, end);
        if (f.StartNs != 0 && hasEnd && f.EndNs >= f.StartNs) w.Number(Duration, f.EndNs - f.StartNs);
        w.EndObject();

        w.StartObject(Observer);
        WriteText(w, Ip, scratch[..FormatIp(f.Exporter, scratch)]);
        if ((f.Present & FlowFields.Interfaces) != 0)
        {
            WriteInterface(w, Ingress, f.InputInterface);
            WriteInterface(w, Egress, f.OutputInterface);
        }
        w.EndObject();

        bool hasAs = (f.Present & FlowFields.AutonomousSystems) != 0;
        bool hasPorts = (f.Present & FlowFields.Ports) != 0;
        bool hasReverse = (f.Present & FlowFields.ReverseCounters) != 0;

        w.StartObject(Source);
        WriteText(w, Ip, source);
        if (hasPorts) w.Number(Port, f.SourcePort);
        w.Number(Bytes, f.Bytes);
        w.Number(Packets, f.Packets);
        WriteEndpointNames(w, flowEvent.SourceDomain, flowEvent.SourceRegisteredDomain);
        WriteGeoAndAs(w, flowEvent.SourceGeo, hasAs ? f.SourceAs : 0);
        w.EndObject();

        w.StartObject(Destination);
        WriteText(w, Ip, destination);
        if (hasPorts) w.Number(Port, f.DestinationPort);
        if (hasReverse)
        {
            w.Number(Bytes, f.ReverseBytes);
            w.Number(Packets, f.ReversePackets);
        }
        WriteEndpointNames(w, flowEvent.DestinationDomain, flowEvent.DestinationRegisteredDomain);
        WriteGeoAndAs(w, flowEvent.DestinationGeo, hasAs ? f.DestinationAs : 0);
        w.EndObject();

        if (flowEvent.ClientServerReason != ClientServerReason.None)
        {
            bool cs = flowEvent.ClientIsSource;
            // Each side's bytes only from this record's own counters, so sums over documents never double count.
            WriteParty(w, Client, cs ? source : destination, cs ? f.SourcePort : f.DestinationPort, hasPorts,
                cs || hasReverse, cs ? f.Bytes : f.ReverseBytes, cs ? f.Packets : f.ReversePackets);
            WriteParty(w, Server, cs ? destination : source, cs ? f.DestinationPort : f.SourcePort, hasPorts,
                !cs || hasReverse, cs ? f.ReverseBytes : f.Bytes, cs ? f.ReversePackets : f.Packets);
        }

        if (flowEvent.InternalSide != InternalSide.None)
        {
            AssetInfo? asset = flowEvent.InternalSide == InternalSide.Source ? flowEvent.SourceAsset : flowEvent.DestinationAsset;
            w.StartObject(Host);
            WriteText(w, Ip, InternalHostText(flowEvent.InternalSide, source, destination));
            if (asset is not null) w.String(Name, asset.Name);
            w.EndObject();
        }

        w.StartObject(Network);
        JsonEncodedText transport = TransportName(f.Protocol);
        if (transport.EncodedUtf8Bytes.Length > 0) w.String(Transport, transport);
        Span<byte> num = stackalloc byte[48];
        f.Protocol.TryFormat(num, out int n);
        w.String(IanaNumber, num[..n]);
        if (f.SourceAddress.IsSet) w.String(Type, f.SourceAddress.IsV4 ? Ipv4 : Ipv6);
        if (flowEvent.Direction != NetworkDirection.None && (int)flowEvent.Direction < DirectionNames.Length)
            w.String(DirectionName, DirectionNames[(int)flowEvent.Direction]);
        if (flowEvent.ApplicationProtocol is not null) w.String(ProtocolName, flowEvent.ApplicationProtocol);
        w.Number(Bytes, f.Bytes + f.ReverseBytes);
        w.Number(Packets, f.Packets + f.ReversePackets);
        if (flowEvent.CommunityId.HasValue)
        {
            w.String(CommunityIdName, flowEvent.CommunityId.Value);
        }
        if ((f.Present & FlowFields.VlanId) != 0 && f.VlanId != 0)
        {
            w.StartObject(Vlan);
            f.VlanId.TryFormat(num, out n);
            w.String(Id, num[..n]);
            w.EndObject();
        }
        w.EndObject();

        w.StartObject(Related);
        w.StartArray(Ip);
        if (source.Length > 0) w.StringValue(source);
        if (f.DestinationAddress != f.SourceAddress && destination.Length > 0) w.StringValue(destination);
        w.EndArray();
        w.EndObject();

        w.StartObject(FlowRelayName);
        w.Number(Version, f.Version);
        w.Number(SourceId, f.SourceId);
        if (f.TemplateId != 0) w.Number(TemplateId, f.TemplateId);
        w.Number(Sequence, f.Sequence);
        if (f.ExportNs != 0) WriteDate(w, Exported, f.ExportNs);
        if ((f.Present & FlowFields.TcpFlags) != 0 && f.Protocol == 6)
        {
            w.Number(TcpFlags, f.TcpFlags);
            w.StartArray(TcpFlagNames);
            for (int bit = 0; bit < 8; bit++)
            {
                if ((f.TcpFlags & (1 << bit)) != 0) w.StringValue(FlagNames[bit]);
            }
            w.EndArray();
        }
        if ((f.Present & FlowFields.Tos) != 0) w.Number(Tos, f.Tos);
        if ((f.Present & FlowFields.NextHop) != 0 && f.NextHop.IsSet) WriteIp(w, NextHop, f.NextHop);
        if ((f.Present & FlowFields.Masks) != 0)
        {
            w.Number(SourceMask, f.SourceMask);
            w.Number(DestinationMask, f.DestinationMask);
        }
        if ((f.Present & FlowFields.FlowDirection) != 0 && f.FlowDirection <= 1)
        {
            w.String(FlowDirection, f.FlowDirection == 0 ? Ingress_ : Egress_);
        }
        if ((f.Present & FlowFields.FlowEndReason) != 0) w.Number(EndReason, f.FlowEndReason);
        if (f.Protocol is 1 or 58)
        {
            ushort typeCode = (f.Present & FlowFields.IcmpTypeCode) != 0 ? f.IcmpTypeCode : f.DestinationPort;
            w.StartObject(Icmp);
            w.Number(Type, typeCode >> 8);
            w.Number(Code, typeCode & 0xFF);
            w.EndObject();
        }
        w.StartObject(Sampling);
        w.Number(Rate, f.SamplingRate == 0 ? 1 : f.SamplingRate);
        w.String(Source, SamplingSources[(int)f.SamplingSource < SamplingSources.Length ? (int)f.SamplingSource : 0]);
        w.Number(RawBytes, f.RawBytes);
        w.Number(RawPackets, f.RawPackets);
        w.EndObject();
        WriteEnrichment(w, flowEvent, InternalHostText(flowEvent.InternalSide, source, destination));
        w.EndObject();

        w.EndObject();
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
    private static void WriteEnrichment<T>(T w, in FlowEvent e, ReadOnlySpan<byte> internalHost) where T : struct, IJsonOut
    {
        WriteSide(w, Source, e.SourceZones, e.SourceSite, e.SourceAsset, null);
        WriteSide(w, Destination, e.DestinationZones, e.DestinationSite, e.DestinationAsset, e.DestinationResolved);
        if (e.ClientServerReason != ClientServerReason.None && (int)e.ClientServerReason < ReasonNames.Length)
        {
            w.StartObject(ClientServer);
            w.String(Reason, ReasonNames[(int)e.ClientServerReason]);
            w.Number(Confidence, e.ClientServerConfidence / 100.0);
            w.EndObject();
        }
        if (e.InternalSide != InternalSide.None)
        {
            w.StartObject(InternalHost);
            WriteText(w, Ip, internalHost);
            w.EndObject();
            w.StartObject(Upload);
            w.Number(Bytes, e.UploadBytes);
            w.Number(Packets, e.UploadPackets);
            w.EndObject();
            w.StartObject(Download);
            w.Number(Bytes, e.DownloadBytes);
            w.Number(Packets, e.DownloadPackets);
            w.EndObject();
        }
    }

    private static void WriteSide<T>(T w, JsonEncodedText side, in ZoneSet zones, string? site, AssetInfo? asset, bool? resolved) where T : struct, IJsonOut
    {
        if (zones.IsEmpty && site is null && asset is null && resolved is null) return;
        w.StartObject(side);
        if (!zones.IsEmpty)
        {
            w.StartArray(Zone);
            for (int i = 0; i < zones.Names!.Count; i++)
            {
                if ((zones.Mask & (1UL << i)) != 0) w.StringValue(zones.Names.Encoded(i));
            }
            w.EndArray();
        }
        if (site is not null) w.String(Site, site);
        if (asset is not null)
        {
            w.StartObject(Asset);
            w.String(Name, asset.Name);
            if (asset.Owner is not null) w.String(Owner, asset.Owner);
            if (asset.Criticality is not null) w.String(Criticality, asset.Criticality);
            w.EndObject();
        }
        if (resolved is bool r) w.Boolean(Resolved, r);
        w.EndObject();
    }

    private static void WriteParty<T>(T w, JsonEncodedText name, ReadOnlySpan<byte> ip, ushort port, bool hasPort, bool hasCounters, ulong bytes, ulong packets) where T : struct, IJsonOut
    {
        w.StartObject(name);
        WriteText(w, Ip, ip);
        if (hasPort) w.Number(Port, port);
        if (hasCounters)
        {
            w.Number(Bytes, bytes);
            w.Number(Packets, packets);
        }
        w.EndObject();
    }

    private static void WriteEndpointNames<T>(T w, string? domain, string? registeredDomain) where T : struct, IJsonOut
    {
        if (domain is not null) w.String(Domain, domain);
        if (registeredDomain is not null) w.String(RegisteredDomain, registeredDomain);
    }

    /// <summary>ECS geo and AS from MaxMind; the exporter's AS number when MaxMind has none.</summary>
    private static void WriteGeoAndAs<T>(T w, GeoInfo? geo, uint recordAs) where T : struct, IJsonOut
    {
        if (geo is not null && geo.HasGeo)
        {
            w.StartObject(Geo);
            WriteOptional(w, ContinentCode, geo.ContinentCode);
            WriteOptional(w, ContinentName, geo.ContinentName);
            WriteOptional(w, CountryIsoCode, geo.CountryIsoCode);
            WriteOptional(w, CountryName, geo.CountryName);
            WriteOptional(w, RegionIsoCode, geo.RegionIsoCode);
            WriteOptional(w, RegionName, geo.RegionName);
            WriteOptional(w, CityName, geo.CityName);
            WriteOptional(w, PostalCode, geo.PostalCode);
            WriteOptional(w, Timezone, geo.Timezone);
            if (geo.Latitude is double lat && geo.Longitude is double lon)
            {
                w.StartObject(Location);
                w.Number(Lat, lat);
                w.Number(Lon, lon);
                w.EndObject();
            }
            w.EndObject();
        }
        uint number = geo is not null && geo.AsNumber != 0 ? geo.AsNumber : recordAs;
        if (number == 0) return;
        w.StartObject(As);
        w.Number(Number, number);
        if (geo is not null && geo.AsNumber == number && geo.AsOrganization is not null)
        {
            w.StartObject(Organization);
            w.String(Name, geo.AsOrganization);
            w.EndObject();
        }
        w.EndObject();
    }

    private static void WriteOptional<T>(T w, JsonEncodedText name, string? value) where T : struct, IJsonOut
    {
        if (value is not null) w.String(name, value);
    }

    private static void WriteInterface<T>(T w, JsonEncodedText name, uint index) where T : struct, IJsonOut
    {
        Span<byte> buf = stackalloc byte[16];
        index.TryFormat(buf, out int n);
        w.StartObject(name);
        w.StartObject(Interface);
        w.String(Id, buf[..n]);
        w.EndObject();
        w.EndObject();
    }

    private static void WriteIp<T>(T w, JsonEncodedText name, IpAddr address) where T : struct, IJsonOut
    {
        if (!address.IsSet) return;
        Span<byte> buf = stackalloc byte[48];
        if (address.TryFormat(buf, out int n)) w.String(name, buf[..n]);
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
    private static void WriteText<T>(T w, JsonEncodedText name, ReadOnlySpan<byte> text) where T : struct, IJsonOut
    {
        if (text.Length > 0) w.String(name, text);
    }

    /// <summary>The time as <see cref="WriteDate(Utf8JsonWriter, JsonEncodedText, long)"/> writes it; 0 when it cannot be.</summary>
    private static int FormatDate(long unixNs, Span<byte> buffer) => Iso8601.Format(unixNs, buffer);

    /// <summary>Writes a Unix-nanosecond time as an ISO 8601 UTC string with millisecond precision.</summary>
    internal static void WriteDate(Utf8JsonWriter writer, JsonEncodedText name, long unixNs) => WriteDate(new WriterOut(writer), name, unixNs);

    private static void WriteDate<T>(T w, JsonEncodedText name, long unixNs) where T : struct, IJsonOut
    {
        Span<byte> buf = stackalloc byte[DateBuffer];
        WriteText(w, name, buf[..FormatDate(unixNs, buf)]);
    }
}
