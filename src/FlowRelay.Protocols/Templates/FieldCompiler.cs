namespace FlowRelay.Protocols.Templates;

/// <summary>Maps an announced field to what the record loop does with it.</summary>
internal static class FieldCompiler
{
    /// <summary>IANA private enterprise number of the RFC 5103 reverse information elements.</summary>
    public const uint ReversePen = 29305;

    public static CompiledField Compile(TemplateField f, ushort version, bool isScope)
    {
        // v9 scope field types (RFC 3954 §6.1: 1 System, 2 Interface, ...) reuse numbers of
        // ordinary field types, so they must never be read as counters.
        if (isScope && version == 9) return new CompiledField(FieldKind.Skip, f.Length);
        var kind = f.EnterpriseNumber switch
        {
            0 => Iana(f.ElementId),
            // RFC 5103 §6.1: reverse elements are the forward element id under PEN 29305.
            ReversePen => f.ElementId switch
            {
                1 => FieldKind.ReverseBytes,
                2 => FieldKind.ReversePackets,
                85 => FieldKind.ReverseBytesTotal,
                86 => FieldKind.ReversePacketsTotal,
                _ => FieldKind.Skip,
            },
            _ => FieldKind.Skip,
        };
        return new CompiledField(FitsLength(kind, f.Length) ? kind : FieldKind.Skip, f.Length);
    }

    private static FieldKind Iana(ushort id) => id switch
    {
        1 => FieldKind.Bytes,
        2 => FieldKind.Packets,
        4 => FieldKind.Protocol,
        5 => FieldKind.Tos,
        6 => FieldKind.TcpFlags,
        7 => FieldKind.SourcePort,
        8 => FieldKind.SourceV4,
        9 => FieldKind.SourceMask,
        10 => FieldKind.InputInterface,
        11 => FieldKind.DestinationPort,
        12 => FieldKind.DestinationV4,
        13 => FieldKind.DestinationMask,
        14 => FieldKind.OutputInterface,
        15 => FieldKind.NextHopV4,
        16 => FieldKind.SourceAs,
        17 => FieldKind.DestinationAs,
        21 => FieldKind.EndSysUpTime,
        22 => FieldKind.StartSysUpTime,
        27 => FieldKind.SourceV6,
        28 => FieldKind.DestinationV6,
        29 => FieldKind.SourceMask,
        30 => FieldKind.DestinationMask,
        32 => FieldKind.IcmpTypeCode,
        34 => FieldKind.SamplingInterval,
        35 => FieldKind.SamplingAlgorithm,
        48 => FieldKind.SamplerId,
        49 => FieldKind.SamplerMode,
        50 => FieldKind.SamplerRandomInterval,
        58 => FieldKind.VlanId,
        61 => FieldKind.FlowDirection,
        62 => FieldKind.NextHopV6,
        85 => FieldKind.BytesTotal,
        86 => FieldKind.PacketsTotal,
        136 => FieldKind.FlowEndReason,
        139 => FieldKind.IcmpTypeCode,
        150 => FieldKind.StartSeconds,
        151 => FieldKind.EndSeconds,
        152 => FieldKind.StartMilliseconds,
        153 => FieldKind.EndMilliseconds,
        154 => FieldKind.StartNtpMicro,
        155 => FieldKind.EndNtpMicro,
        156 => FieldKind.StartNtp,
        157 => FieldKind.EndNtp,
        158 => FieldKind.StartDeltaMicroseconds,
        159 => FieldKind.EndDeltaMicroseconds,
        160 => FieldKind.SystemInitTimeMilliseconds,
        176 => FieldKind.IcmpType,
        177 => FieldKind.IcmpCode,
        178 => FieldKind.IcmpType,
        179 => FieldKind.IcmpCode,
        231 => FieldKind.InitiatorOctets,
        232 => FieldKind.ResponderOctets,
        243 => FieldKind.VlanId,
        298 => FieldKind.InitiatorPackets,
        299 => FieldKind.ResponderPackets,
        302 => FieldKind.SelectorId,
        304 => FieldKind.SelectorAlgorithm,
        305 => FieldKind.SamplingPacketInterval,
        306 => FieldKind.SamplingPacketSpace,
        _ => FieldKind.Skip,
    };

    // A field whose length does not fit its type is skipped, not misread: addresses must be
    // exactly 4/16 bytes; integers may use reduced-size encoding (RFC 7011 §6.2) of 1..8 bytes;
    // NTP timestamps are exactly 8 bytes (RFC 7011 §6.1.9/§6.1.10).
    private static bool FitsLength(FieldKind kind, ushort length) => kind switch
    {
        FieldKind.Skip => true,
        FieldKind.SourceV4 or FieldKind.DestinationV4 or FieldKind.NextHopV4 => length == 4,
        FieldKind.SourceV6 or FieldKind.DestinationV6 or FieldKind.NextHopV6 => length == 16,
        FieldKind.StartNtp or FieldKind.EndNtp or FieldKind.StartNtpMicro or FieldKind.EndNtpMicro => length == 8,
        _ => length is >= 1 and <= 8,
    };
}
