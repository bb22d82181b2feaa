using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using FlowRelay.Engine.Events;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Ecs;

/// <summary>
/// Writes a <see cref="FlowEvent"/> as one ECS JSON document. Field names follow ECS
/// (../shared/reference/ecs-fields.csv); what ECS lacks goes under <c>flowrelay.*</c>.
/// <para>
/// The document is written as bytes straight into the output (<see cref="JsonBytes"/>), not token by
/// token: the constant runs of the document (names, the fixed <c>event.*</c> members, closing
/// brackets) are single literals, numbers, addresses and times are formatted in place, and the
/// members that come from shared immutable objects (a MaxMind answer's <c>geo</c> and <c>as</c>, an
/// asset) are serialised once per object and copied. The output is byte for byte what
/// <see cref="Utf8JsonWriter"/> wrote when this class used it (pinned by FlowDocumentGoldenTests),
/// and writing a document allocates nothing.
/// </para>
/// </summary>
public static class FlowDocumentWriter
{
    private static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText As = JsonEncodedText.Encode("as");
    private static readonly JsonEncodedText Number = JsonEncodedText.Encode("number");
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
    private static readonly JsonEncodedText Asset = JsonEncodedText.Encode("asset");
    private static readonly JsonEncodedText Owner = JsonEncodedText.Encode("owner");
    private static readonly JsonEncodedText Criticality = JsonEncodedText.Encode("criticality");

    /// <summary><c>"direction":"…"</c> by <see cref="NetworkDirection"/> (None writes nothing).</summary>
    private static readonly byte[][] DirectionMembers = Literals("\"direction\":\"{0}\"", "", "unknown", "inbound", "outbound", "internal", "external");

    /// <summary>The opening of <c>flowrelay.client_server</c> by <see cref="ClientServerReason"/>, up to the confidence.</summary>
    private static readonly byte[][] ClientServerOpenings = Literals("\"client_server\":{{\"reason\":\"{0}\",\"confidence\":",
        "", "paired_start_time", "tcp_syn", "icmp_type", "service_port", "lower_port", "start_time");

    /// <summary><c>"source":"…"</c> of <c>flowrelay.sampling</c> by <see cref="SamplingSource"/>.</summary>
    private static readonly byte[][] SamplingSourceMembers = Literals("\"source\":\"{0}\"", "none", "header", "options_data", "record", "configured");

    /// <summary><c>"tcp_flag_names":[…]</c> for each of the 256 flag bytes.</summary>
    private static readonly byte[][] TcpFlagNameMembers = FlagNameMembers();

    /// <summary>A client/server confidence (0 to 255 hundredths) as Utf8JsonWriter writes the double.</summary>
    private static readonly byte[][] Confidences = ConfidenceNumbers();

    /// <summary>The constant run after <c>@timestamp</c>, up to <c>event.created</c>.</summary>
    private static ReadOnlySpan<byte> EventMembers =>
        "\"event\":{\"kind\":\"event\",\"category\":[\"network\"],\"type\":[\"connection\"],\"action\":\"network_flow\",\"dataset\":\"flowrelay.flow\",\"module\":\"flowrelay\""u8;

    /// <summary>
    /// The most a document takes without its strings and cached members: every optional member present
    /// with its longest value (IPv6 addresses, 20-digit counters). FlowDocumentWriterTests checks the
    /// largest such document against it.
    /// </summary>
    internal const int MaxFixedLength = 3072;

    /// <summary>
    /// Writes one document (a complete JSON object) to <paramref name="output"/>, strings escaped as
    /// <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/> escapes them: what the NDJSON and
    /// Elasticsearch outputs write (their <see cref="Utf8JsonWriter"/> options were that encoder and
    /// SkipValidation).
    /// </summary>
    public static void Write(IBufferWriter<byte> output, in FlowEvent flowEvent) => Write(output, flowEvent, relaxed: true);

    /// <summary>
    /// Writes one document (a complete JSON object) to <paramref name="writer"/> as that writer would
    /// write it token by token. Unindented with the default encoder or UnsafeRelaxedJsonEscaping (what
    /// every caller uses) it is written as bytes and handed over whole (<see cref="Utf8JsonWriter.WriteRawValue(ReadOnlySpan{byte}, bool)"/>);
    /// any other options re-write it through <paramref name="writer"/> token by token.
    /// </summary>
    public static void Write(Utf8JsonWriter writer, in FlowEvent flowEvent) => JsonRewriter.WriteTo(writer, flowEvent, Bytes);

    private static readonly DocumentBytes<FlowEvent> Bytes = static (IBufferWriter<byte> output, in FlowEvent e, bool relaxed) => Write(output, e, relaxed);

    private static void Write(IBufferWriter<byte> output, in FlowEvent flowEvent, bool relaxed)
    {
        Span<byte> buffer = output.GetSpan(MaxLength(flowEvent, relaxed));
        output.Advance(Write(buffer, flowEvent, relaxed));
    }

    /// <summary>An upper bound of the document's length: the fixed part, the strings escaped at worst, the cached members.</summary>
    private static int MaxLength(in FlowEvent e, bool relaxed)
    {
        int strings = Length(e.SourceDomain) + Length(e.SourceRegisteredDomain) + Length(e.DestinationDomain) + Length(e.DestinationRegisteredDomain)
            + Length(e.SourceSite) + Length(e.DestinationSite) + Length(e.ApplicationProtocol) + Length(e.ExcludedBy)
            + Length(e.SourceAsset?.Name) + Length(e.DestinationAsset?.Name);
        int members = 0;
        if (e.SourceGeo is not null) members += GeoMembers(e.SourceGeo, relaxed).Length;
        if (e.DestinationGeo is not null) members += GeoMembers(e.DestinationGeo, relaxed).Length;
        if (e.SourceAsset is not null) members += AssetMember(e.SourceAsset, relaxed).Length;
        if (e.DestinationAsset is not null) members += AssetMember(e.DestinationAsset, relaxed).Length;
        members += ZoneLength(e.SourceZones) + ZoneLength(e.DestinationZones);
        return MaxFixedLength + 6 * strings + members;

        static int Length(string? s) => s is null ? 0 : s.Length;
    }

    private static int ZoneLength(in ZoneSet zones)
    {
        if (zones.IsEmpty) return 0;
        int n = "\"zone\":[],"u8.Length;
        for (int i = 0; i < zones.Names!.Count; i++)
        {
            if ((zones.Mask & (1UL << i)) != 0) n += zones.Names.Encoded(i).EncodedUtf8Bytes.Length + 3; // quotes and comma
        }
        return n;
    }

    private const int IpBuffer = 48, DateBuffer = 40;

    // The stack buffers are only read as far as they were written.
    [SkipLocalsInit]
    private static int Write(Span<byte> buffer, in FlowEvent flowEvent, bool relaxed)
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

        var j = new JsonBytes(buffer, relaxed);
        j.Raw((byte)'{');
        Text(ref j, "\"@timestamp\":"u8, hasEnd ? end : received);

        j.Members(EventMembers);
        Text(ref j, "\"created\":"u8, received);
        if (f.StartNs != 0) Text(ref j, "\"start\":"u8, scratch[..FormatDate(f.StartNs, scratch)]);
        if (hasEnd) Text(ref j, "\"end\":"u8, end);
        if (f.StartNs != 0 && hasEnd && f.EndNs >= f.StartNs)
        {
            j.Name("\"duration\":"u8);
            j.Number(f.EndNs - f.StartNs);
        }
        j.End();

        j.Name("\"observer\":{"u8);
        Text(ref j, "\"ip\":"u8, scratch[..FormatIp(f.Exporter, scratch)]);
        if ((f.Present & FlowFields.Interfaces) != 0)
        {
            j.Name("\"ingress\":{\"interface\":{\"id\":"u8);
            j.QuotedDigits(f.InputInterface);
            j.Raw((byte)'}');
            j.End();
            j.Name("\"egress\":{\"interface\":{\"id\":"u8);
            j.QuotedDigits(f.OutputInterface);
            j.Raw((byte)'}');
            j.End();
        }
        j.End();

        bool hasAs = (f.Present & FlowFields.AutonomousSystems) != 0;
        bool hasPorts = (f.Present & FlowFields.Ports) != 0;
        bool hasReverse = (f.Present & FlowFields.ReverseCounters) != 0;

        j.Name("\"source\":{"u8);
        Text(ref j, "\"ip\":"u8, source);
        if (hasPorts)
        {
            j.Name("\"port\":"u8);
            j.Number(f.SourcePort);
        }
        Counters(ref j, f.Bytes, f.Packets);
        EndpointNames(ref j, flowEvent.SourceDomain, flowEvent.SourceRegisteredDomain);
        GeoAndAs(ref j, flowEvent.SourceGeo, hasAs ? f.SourceAs : 0);
        j.End();

        j.Name("\"destination\":{"u8);
        Text(ref j, "\"ip\":"u8, destination);
        if (hasPorts)
        {
            j.Name("\"port\":"u8);
            j.Number(f.DestinationPort);
        }
        if (hasReverse) Counters(ref j, f.ReverseBytes, f.ReversePackets);
        EndpointNames(ref j, flowEvent.DestinationDomain, flowEvent.DestinationRegisteredDomain);
        GeoAndAs(ref j, flowEvent.DestinationGeo, hasAs ? f.DestinationAs : 0);
        j.End();

        if (flowEvent.ClientServerReason != ClientServerReason.None)
        {
            bool cs = flowEvent.ClientIsSource;
            // Each side's bytes only from this record's own counters, so sums over documents never double count.
            Party(ref j, "\"client\":{"u8, cs ? source : destination, cs ? f.SourcePort : f.DestinationPort, hasPorts,
                cs || hasReverse, cs ? f.Bytes : f.ReverseBytes, cs ? f.Packets : f.ReversePackets);
            Party(ref j, "\"server\":{"u8, cs ? destination : source, cs ? f.DestinationPort : f.SourcePort, hasPorts,
                !cs || hasReverse, cs ? f.ReverseBytes : f.Bytes, cs ? f.ReversePackets : f.Packets);
        }

        ReadOnlySpan<byte> internalHost = InternalHostText(flowEvent.InternalSide, source, destination);
        if (flowEvent.InternalSide != InternalSide.None)
        {
            AssetInfo? asset = flowEvent.InternalSide == InternalSide.Source ? flowEvent.SourceAsset : flowEvent.DestinationAsset;
            j.Name("\"host\":{"u8);
            Text(ref j, "\"ip\":"u8, internalHost);
            if (asset is not null)
            {
                j.Name("\"name\":"u8);
                j.String(asset.Name);
            }
            j.End();
        }

        j.Name("\"network\":{"u8);
        ReadOnlySpan<byte> transport = TransportMember(f.Protocol);
        if (transport.Length > 0) j.Members(transport);
        j.Name("\"iana_number\":"u8);
        j.QuotedDigits(f.Protocol);
        if (f.SourceAddress.IsSet) j.Members(f.SourceAddress.IsV4 ? "\"type\":\"ipv4\""u8 : "\"type\":\"ipv6\""u8);
        if (flowEvent.Direction != NetworkDirection.None && (int)flowEvent.Direction < DirectionMembers.Length)
            j.Members(DirectionMembers[(int)flowEvent.Direction]);
        if (flowEvent.ApplicationProtocol is not null)
        {
            j.Name("\"protocol\":"u8);
            j.String(flowEvent.ApplicationProtocol);
        }
        Counters(ref j, f.Bytes + f.ReverseBytes, f.Packets + f.ReversePackets);
        if (flowEvent.CommunityId.HasValue)
        {
            j.Name("\"community_id\":"u8);
            j.String(flowEvent.CommunityId.Value);
        }
        if ((f.Present & FlowFields.VlanId) != 0 && f.VlanId != 0)
        {
            j.Name("\"vlan\":{\"id\":"u8);
            j.QuotedDigits(f.VlanId);
            j.End();
        }
        j.End();

        j.Name("\"related\":{\"ip\":["u8);
        if (source.Length > 0)
        {
            j.Quoted(source);
        }
        if (f.DestinationAddress != f.SourceAddress && destination.Length > 0)
        {
            j.Item();
            j.Quoted(destination);
        }
        j.EndArray();
        j.End();

        j.Name("\"flowrelay\":{\"version\":"u8);
        j.Number(f.Version);
        j.Name("\"source_id\":"u8);
        j.Number(f.SourceId);
        if (f.TemplateId != 0)
        {
            j.Name("\"template_id\":"u8);
            j.Number(f.TemplateId);
        }
        j.Name("\"sequence\":"u8);
        j.Number(f.Sequence);
        if (f.ExportNs != 0) Text(ref j, "\"exported\":"u8, scratch[..FormatDate(f.ExportNs, scratch)]);
        if ((f.Present & FlowFields.TcpFlags) != 0 && f.Protocol == 6)
        {
            j.Name("\"tcp_flags\":"u8);
            j.Number(f.TcpFlags);
            j.Members(TcpFlagNameMembers[f.TcpFlags]);
        }
        if ((f.Present & FlowFields.Tos) != 0)
        {
            j.Name("\"tos\":"u8);
            j.Number(f.Tos);
        }
        if ((f.Present & FlowFields.NextHop) != 0 && f.NextHop.IsSet) Text(ref j, "\"next_hop\":"u8, scratch[..FormatIp(f.NextHop, scratch)]);
        if ((f.Present & FlowFields.Masks) != 0)
        {
            j.Name("\"source_mask\":"u8);
            j.Number(f.SourceMask);
            j.Name("\"destination_mask\":"u8);
            j.Number(f.DestinationMask);
        }
        if ((f.Present & FlowFields.FlowDirection) != 0 && f.FlowDirection <= 1)
        {
            j.Members(f.FlowDirection == 0 ? "\"flow_direction\":\"ingress\""u8 : "\"flow_direction\":\"egress\""u8);
        }
        if ((f.Present & FlowFields.FlowEndReason) != 0)
        {
            j.Name("\"end_reason\":"u8);
            j.Number(f.FlowEndReason);
        }
        if (f.Protocol is 1 or 58)
        {
            ushort typeCode = (f.Present & FlowFields.IcmpTypeCode) != 0 ? f.IcmpTypeCode : f.DestinationPort;
            j.Name("\"icmp\":{\"type\":"u8);
            j.Number((ulong)(typeCode >> 8));
            j.Name("\"code\":"u8);
            j.Number((ulong)(typeCode & 0xFF));
            j.End();
        }
        j.Name("\"sampling\":{\"rate\":"u8);
        j.Number(f.SamplingRate == 0 ? 1 : f.SamplingRate);
        j.Members(SamplingSourceMembers[(int)f.SamplingSource < SamplingSourceMembers.Length ? (int)f.SamplingSource : 0]);
        j.Name("\"raw_bytes\":"u8);
        j.Number(f.RawBytes);
        j.Name("\"raw_packets\":"u8);
        j.Number(f.RawPackets);
        j.End();
        Enrichment(ref j, flowEvent, internalHost);
        if (flowEvent.ExcludedBy is not null)
        {
            j.Name("\"excluded_by\":"u8);
            j.String(flowEvent.ExcludedBy);
        }
        j.End();

        j.End();
        return j.Length;
    }

    /// <summary>ECS network.transport: the lowercase IANA keyword (https://www.iana.org/assignments/protocol-numbers).</summary>
    private static ReadOnlySpan<byte> TransportMember(byte protocol) => protocol switch
    {
        6 => "\"transport\":\"tcp\""u8,
        17 => "\"transport\":\"udp\""u8,
        1 => "\"transport\":\"icmp\""u8,
        58 => "\"transport\":\"ipv6-icmp\""u8,
        132 => "\"transport\":\"sctp\""u8,
        47 => "\"transport\":\"gre\""u8,
        50 => "\"transport\":\"esp\""u8,
        51 => "\"transport\":\"ah\""u8,
        _ => default,
    };

    /// <summary>The flowrelay.* enrichment fields: zones, sites, assets, DNS join, client/server reason, upload/download.</summary>
    private static void Enrichment(ref JsonBytes j, in FlowEvent e, scoped ReadOnlySpan<byte> internalHost)
    {
        Side(ref j, "\"source\":{"u8, e.SourceZones, e.SourceSite, e.SourceAsset, null);
        Side(ref j, "\"destination\":{"u8, e.DestinationZones, e.DestinationSite, e.DestinationAsset, e.DestinationResolved);
        if (e.ClientServerReason != ClientServerReason.None && (int)e.ClientServerReason < ClientServerOpenings.Length)
        {
            j.Name(ClientServerOpenings[(int)e.ClientServerReason]);
            j.Raw(Confidences[e.ClientServerConfidence]);
            j.End();
        }
        if (e.InternalSide != InternalSide.None)
        {
            j.Name("\"internal_host\":{"u8);
            Text(ref j, "\"ip\":"u8, internalHost);
            j.End();
            j.Name("\"upload\":{"u8);
            Counters(ref j, e.UploadBytes, e.UploadPackets);
            j.End();
            j.Name("\"download\":{"u8);
            Counters(ref j, e.DownloadBytes, e.DownloadPackets);
            j.End();
        }
    }

    private static void Side(ref JsonBytes j, scoped ReadOnlySpan<byte> side, in ZoneSet zones, string? site, AssetInfo? asset, bool? resolved)
    {
        if (zones.IsEmpty && site is null && asset is null && resolved is null) return;
        j.Name(side);
        if (!zones.IsEmpty)
        {
            j.Name("\"zone\":["u8);
            for (int i = 0; i < zones.Names!.Count; i++)
            {
                // The names were encoded once with the default encoder, whatever the document's escaping.
                if ((zones.Mask & (1UL << i)) != 0)
                {
                    j.Item();
                    j.Quoted(zones.Names.Encoded(i).EncodedUtf8Bytes);
                }
            }
            j.EndArray();
        }
        if (site is not null)
        {
            j.Name("\"site\":"u8);
            j.String(site);
        }
        if (asset is not null) j.Members(AssetMember(asset, j.Relaxed));
        if (resolved is bool r) j.Members(r ? "\"resolved\":true"u8 : "\"resolved\":false"u8);
        j.End();
    }

    private static void Party(ref JsonBytes j, scoped ReadOnlySpan<byte> name, scoped ReadOnlySpan<byte> ip, ushort port, bool hasPort, bool hasCounters, ulong bytes, ulong packets)
    {
        j.Name(name);
        Text(ref j, "\"ip\":"u8, ip);
        if (hasPort)
        {
            j.Name("\"port\":"u8);
            j.Number(port);
        }
        if (hasCounters) Counters(ref j, bytes, packets);
        j.End();
    }

    private static void Counters(ref JsonBytes j, ulong bytes, ulong packets)
    {
        j.Name("\"bytes\":"u8);
        j.Number(bytes);
        j.Name("\"packets\":"u8);
        j.Number(packets);
    }

    private static void EndpointNames(ref JsonBytes j, string? domain, string? registeredDomain)
    {
        if (domain is not null)
        {
            j.Name("\"domain\":"u8);
            j.String(domain);
        }
        if (registeredDomain is not null)
        {
            j.Name("\"registered_domain\":"u8);
            j.String(registeredDomain);
        }
    }

    /// <summary>ECS geo and AS from MaxMind; the exporter's AS number when MaxMind has none.</summary>
    private static void GeoAndAs(ref JsonBytes j, GeoInfo? geo, uint recordAs)
    {
        if (geo is not null)
        {
            byte[] members = GeoMembers(geo, j.Relaxed);
            if (members.Length > 0) j.Members(members);
            if (geo.AsNumber != 0) return; // MaxMind's AS, written with the geo members
        }
        if (recordAs == 0) return;
        j.Name("\"as\":{\"number\":"u8);
        j.Number(recordAs);
        j.End();
    }

    /// <summary>The answer's <c>geo</c> and (when MaxMind knows the AS) <c>as</c> members, serialised on first use.</summary>
    private static byte[] GeoMembers(GeoInfo geo, bool relaxed)
    {
        ref byte[]? cached = ref relaxed ? ref geo.EcsRelaxed : ref geo.EcsDefault;
        return cached ??= Members(geo, relaxed, static (writer, geo) =>
        {
            if (geo.HasGeo)
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
            if (geo.AsNumber != 0)
            {
                writer.WriteStartObject(As);
                writer.WriteNumber(Number, geo.AsNumber);
                if (geo.AsOrganization is not null)
                {
                    writer.WriteStartObject(Organization);
                    writer.WriteString(Name, geo.AsOrganization);
                    writer.WriteEndObject();
                }
                writer.WriteEndObject();
            }
        });
    }

    /// <summary>The asset's <c>asset</c> member, serialised on first use.</summary>
    private static byte[] AssetMember(AssetInfo asset, bool relaxed)
    {
        ref byte[]? cached = ref relaxed ? ref asset.EcsRelaxed : ref asset.EcsDefault;
        return cached ??= Members(asset, relaxed, static (writer, asset) =>
        {
            writer.WriteStartObject(Asset);
            writer.WriteString(Name, asset.Name);
            WriteOptional(writer, Owner, asset.Owner);
            WriteOptional(writer, Criticality, asset.Criticality);
            writer.WriteEndObject();
        });
    }

    /// <summary>
    /// Members serialised by <see cref="Utf8JsonWriter"/> itself, as they used to be written in every
    /// document (once per shared object, so the cost of the general writer does not matter here).
    /// </summary>
    private static byte[] Members<T>(T state, bool relaxed, Action<Utf8JsonWriter, T> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Encoder = relaxed ? JavaScriptEncoder.UnsafeRelaxedJsonEscaping : null, SkipValidation = true,
        }))
        {
            write(writer, state);
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteOptional(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is not null) writer.WriteString(name, value);
    }

    /// <summary>Literals made from <paramref name="format"/> with each of <paramref name="values"/> (an empty value gives an empty literal).</summary>
    private static byte[][] Literals(string format, params string[] values) =>
        [.. values.Select(v => v.Length == 0 ? [] : System.Text.Encoding.UTF8.GetBytes(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, v)))];

    private static byte[][] FlagNameMembers()
    {
        string[] names = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"];
        var members = new byte[256][];
        for (int flags = 0; flags < 256; flags++)
        {
            var text = new System.Text.StringBuilder("\"tcp_flag_names\":[");
            bool first = true;
            for (int bit = 0; bit < 8; bit++)
            {
                if ((flags & (1 << bit)) == 0) continue;
                text.Append(first ? "\"" : ",\"").Append(names[bit]).Append('"');
                first = false;
            }
            members[flags] = System.Text.Encoding.UTF8.GetBytes(text.Append(']').ToString());
        }
        return members;
    }

    private static byte[][] ConfidenceNumbers()
    {
        var numbers = new byte[256][];
        var buffer = new ArrayBufferWriter<byte>(32);
        using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        for (int i = 0; i < numbers.Length; i++)
        {
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            writer.WriteNumberValue(i / 100.0);
            writer.Flush();
            numbers[i] = buffer.WrittenSpan.ToArray();
        }
        return numbers;
    }

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
    private static void Text(ref JsonBytes j, scoped ReadOnlySpan<byte> name, scoped ReadOnlySpan<byte> text)
    {
        if (text.Length == 0) return;
        j.Name(name);
        j.Quoted(text);
    }

    /// <summary>The time as ISO 8601 UTC with milliseconds; 0 bytes when it cannot be formatted.</summary>
    private static int FormatDate(long unixNs, Span<byte> buffer) => Iso8601.Format(unixNs, buffer);
}
