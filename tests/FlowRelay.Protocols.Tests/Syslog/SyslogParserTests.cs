using FlowRelay.Protocols.Syslog;
using static FlowRelay.Protocols.Tests.DnsLogs.SampleFiles;

namespace FlowRelay.Protocols.Tests.Syslog;

public class SyslogParserTests
{
    [Fact]
    public void Logger_rfc5424_with_structured_data()
    {
        var line = U8(Lines("syslog-lf.log")[0]);
        Assert.Equal(SyslogParseStatus.Ok, SyslogParser.Parse(line, MadeAt, out var m));
        Assert.Equal(SyslogFormat.Rfc5424, m.Format);
        Assert.True(m.HasPri);
        Assert.Equal(20, m.Facility); // local4
        Assert.Equal(4, m.Severity);  // warning
        Assert.Equal(1, m.Version);
        Assert.Equal(Ns(2026, 11, 28, 4, 36, 4, 107_178_000), m.TimestampUnixNs);
        Assert.True(m.ZoneKnown);
        Assert.Equal("vm", S(m.Hostname));
        Assert.Equal("myapp", S(m.AppName));
        Assert.True(m.ProcId.IsEmpty);
        Assert.Equal("ID47", S(m.MsgId));
        Assert.Equal("[timeQuality tzKnown=\"1\" isSynced=\"0\"][exampleSDID@32473 iut=\"3\" eventSource=\"Application\"]", S(m.StructuredData));
        Assert.Equal("An application event with \"quotes\"", S(m.Message));

        var r = new StructuredDataReader(m.StructuredData);
        var seen = new List<string>();
        while (r.MoveNextElement())
            while (r.MoveNextParam()) seen.Add($"{S(r.ElementId)}/{S(r.ParamName)}={S(r.RawValue)}");
        Assert.Equal(["timeQuality/tzKnown=1", "timeQuality/isSynced=0", "exampleSDID@32473/iut=3", "exampleSDID@32473/eventSource=Application"], seen);
    }

    [Fact]
    public void Logger_rfc5424_all_nil()
    {
        var line = U8(Lines("syslog-lf.log")[1]);
        Assert.Equal(SyslogParseStatus.Ok, SyslogParser.Parse(line, MadeAt, out var m));
        Assert.Equal((4, 2), (m.Facility, m.Severity)); // auth.crit
        Assert.Equal(Ns(2026, 11, 28, 4, 36, 4, 112_218_000), m.TimestampUnixNs);
        Assert.Equal("su", S(m.AppName));
        Assert.True(m.ProcId.IsEmpty && m.MsgId.IsEmpty && m.StructuredData.IsEmpty);
        Assert.Equal("'su root' failed for lonvick on /dev/pts/8", S(m.Message));
    }

    [Fact]
    public void Logger_rfc3164_with_tag_and_pid_gets_the_year_from_the_reference()
    {
        var line = U8(Lines("syslog-lf.log")[2]);
        Assert.Equal(SyslogParseStatus.Ok, SyslogParser.Parse(line, MadeAt, out var m));
        Assert.Equal(SyslogFormat.Rfc3164, m.Format);
        Assert.Equal((3, 6), (m.Facility, m.Severity)); // daemon.info
        Assert.Equal(Ns(2026, 11, 28, 4, 36, 4), m.TimestampUnixNs);
        Assert.Equal(SyslogTimeKind.Local, m.TimeKind);
        Assert.False(m.ZoneKnown);
        Assert.Equal("vm", S(m.Hostname));
        Assert.Equal("named", S(m.AppName));
        Assert.Equal("18228", S(m.ProcId));
        Assert.Equal("client @0x7f00aa 10.0.0.5#53211 (example.com): query: example.com IN A +E(0)K (127.0.0.1)", S(m.Message));
    }

    // RFC 5424 §6.5 examples 1-4.
    [Fact]
    public void Rfc5424_section_6_5_examples()
    {
        var ex1 = U8("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \uFEFF'su root' failed for lonvick on /dev/pts/8");
        Assert.Equal(SyslogParseStatus.Ok, SyslogParser.Parse(ex1, MadeAt, out var m));
        Assert.True(m.HasBom);
        Assert.Equal("'su root' failed for lonvick on /dev/pts/8", S(m.Message));
        Assert.Equal(Ns(2003, 10, 11, 22, 14, 15, 3_000_000), m.TimestampUnixNs);

        var ex2 = U8("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.");
        Assert.Equal(SyslogParseStatus.Ok, SyslogParser.Parse(ex2, MadeAt, out m));
        Assert.Equal(Ns(2003, 8, 24, 12, 14, 15, 3_000), m.TimestampUnixNs);
        Assert.Equal("8710", S(m.ProcId));
        Assert.Equal("%% It's time to make the do-nuts.", S(m.Message));

        var ex4 = U8("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"][examplePriority@32473 class=\"high\"]");
        Assert.Equal(SyslogParseStatus.Ok, SyslogParser.Parse(ex4, MadeAt, out m));
        Assert.True(m.Message.IsEmpty);
        Assert.EndsWith("class=\"high\"]", S(m.StructuredData));
    }

    [Fact]
    public void Structured_data_escapes_are_undone()
    {
        var line = U8("<13>1 - host app - - [x@1 a=\"q\\\"uote\" b=\"back\\\\slash\" c=\"br\\]acket\" d=\"keep\\n\"] body");
        Assert.Equal(SyslogParseStatus.Ok, SyslogParser.Parse(line, MadeAt, out var m));
        Assert.Equal(SyslogTimeKind.None, m.TimeKind);
        var r = new StructuredDataReader(m.StructuredData);
        Assert.True(r.MoveNextElement());
        var values = new List<string>();
        while (r.MoveNextParam()) values.Add(StructuredDataReader.UnescapeToString(r.RawValue));
        Assert.Equal(["q\"uote", "back\\slash", "br]acket", "keep\\n"], values);
        Assert.False(r.MoveNextElement());
        Assert.Equal("body", S(m.Message));
    }

    [Theory]
    [InlineData("<192>1 - - - - - -", SyslogParseStatus.BadPri)]
    [InlineData("<1a>x", SyslogParseStatus.BadPri)]
    [InlineData("<>x", SyslogParseStatus.BadPri)]
    [InlineData("<13>2 - - - - - -", SyslogParseStatus.UnsupportedVersion)]
    [InlineData("<13>1 2026-13-01T00:00:00Z h a p m -", SyslogParseStatus.BadTimestamp)]
    [InlineData("<13>1 2026-11-28T00:00:00Z h a", SyslogParseStatus.BadHeader)]
    [InlineData("<13>1 - h a p m [unclosed a=\"b\"", SyslogParseStatus.BadStructuredData)]
    [InlineData("<13>1 - h a p m [id a=b]", SyslogParseStatus.BadStructuredData)]
    [InlineData("<13>1 - h a p m [id]x", SyslogParseStatus.BadStructuredData)]
    [InlineData("  \r\n", SyslogParseStatus.Empty)]
    public void Malformed_messages_get_a_status(string text, SyslogParseStatus expected)
    {
        Assert.Equal(expected, SyslogParser.Parse(U8(text), MadeAt, out _));
    }

    [Fact]
    public void Rfc3164_year_is_the_nearest_not_far_in_the_future()
    {
        long jan2 = Ns(2027, 1, 2, 0, 0, 0);
        Assert.Equal(SyslogParseStatus.Ok, SyslogParser.Parse(U8("<13>Dec 31 23:59:00 h app: x"), jan2, out var m));
        Assert.Equal(Ns(2026, 12, 31, 23, 59, 0), m.TimestampUnixNs);

        long dec31 = Ns(2026, 12, 31, 23, 59, 50);
        Assert.Equal(SyslogParseStatus.Ok, SyslogParser.Parse(U8("<13>Jan  1 00:00:05 h app: x"), dec31, out m));
        Assert.Equal(Ns(2027, 1, 1, 0, 0, 5), m.TimestampUnixNs);

        // Two months ahead of our clock is not skew: it is last year's.
        Assert.Equal(SyslogParseStatus.Ok, SyslogParser.Parse(U8("<13>Jan 28 10:00:00 h app: x"), Ns(2026, 11, 28, 0, 0, 0), out m));
        Assert.Equal(Ns(2026, 1, 28, 10, 0, 0), m.TimestampUnixNs);

        // Feb 29 goes to the leap year.
        Assert.Equal(SyslogParseStatus.Ok, SyslogParser.Parse(U8("<13>Feb 29 10:00:00 h app: x"), Ns(2029, 3, 1, 0, 0, 0), out m));
        Assert.Equal(Ns(2028, 2, 29, 10, 0, 0), m.TimestampUnixNs);
    }

    [Fact]
    public void Rfc3164_assumed_offset_is_applied()
    {
        var opts = new SyslogParserOptions { AssumedOffsetMinutes = 120 };
        Assert.Equal(SyslogParseStatus.Ok, SyslogParser.Parse(U8("<13>Nov 28 06:00:00 h app: x"), MadeAt, opts, out var m));
        Assert.Equal(Ns(2026, 11, 28, 4, 0, 0), m.TimestampUnixNs);
    }

    [Theory]
    // missing hostname
    [InlineData("<13>Nov 28 04:36:04 sshd[42]: Accepted key", "", "sshd", "42", "Accepted key")]
    [InlineData("<13>Nov 28 04:36:04 kernel: oops", "", "kernel", "", "oops")]
    // single-digit day, space padded
    [InlineData("<13>Nov  8 04:36:04 fw1 postfix/smtpd[1234]: connect from x", "fw1", "postfix/smtpd", "1234", "connect from x")]
    // no tag at all
    [InlineData("<13>Nov 28 04:36:04 fw1 just some text", "fw1", "", "", "just some text")]
    // no PRI
    [InlineData("Nov 28 04:36:04 fw1 app: text", "fw1", "app", "", "text")]
    // no timestamp
    [InlineData("<13>app[7]: text", "", "app", "7", "text")]
    public void Rfc3164_vendor_variants(string text, string host, string app, string pid, string body)
    {
        Assert.Equal(SyslogParseStatus.Ok, SyslogParser.Parse(U8(text), MadeAt, out var m));
        Assert.Equal(SyslogFormat.Rfc3164, m.Format);
        Assert.Equal(host, S(m.Hostname));
        Assert.Equal(app, S(m.AppName));
        Assert.Equal(pid, S(m.ProcId));
        Assert.Equal(body, S(m.Message));
    }

    [Fact]
    public void Rfc3164_without_pri_defaults_to_user_notice()
    {
        Assert.Equal(SyslogParseStatus.Ok, SyslogParser.Parse(U8("Nov 28 04:36:04 fw1 app: text"), MadeAt, out var m));
        Assert.False(m.HasPri);
        Assert.Equal((1, 5), (m.Facility, m.Severity));
        Assert.Equal(Ns(2026, 11, 28, 4, 36, 4), m.TimestampUnixNs);
    }

    [Fact]
    public void Iso_timestamp_in_3164_position_as_rsyslog_forwards_it()
    {
        var line = U8("<30>2026-11-28T05:36:04.123456+01:00 dns1 named[881]: client @0x1 10.0.0.5#53211 (a.b): query: a.b IN A + (10.0.0.1)");
        Assert.Equal(SyslogParseStatus.Ok, SyslogParser.Parse(line, MadeAt, out var m));
        Assert.Equal(SyslogFormat.Rfc3164, m.Format);
        Assert.Equal(Ns(2026, 11, 28, 4, 36, 4, 123_456_000), m.TimestampUnixNs);
        Assert.True(m.ZoneKnown);
        Assert.Equal("dns1", S(m.Hostname));
        Assert.Equal("named", S(m.AppName));
        Assert.Equal("881", S(m.ProcId));
    }

    [Fact]
    public void Cisco_style_timestamp_with_year_and_millis()
    {
        Assert.Equal(SyslogParseStatus.Ok, SyslogParser.Parse(U8("<189>Nov 28 2025 04:36:04.250: %SYS-5-CONFIG_I: Configured"), MadeAt, out var m));
        Assert.Equal(Ns(2025, 11, 28, 4, 36, 4, 250_000_000), m.TimestampUnixNs);
        Assert.Equal("%SYS-5-CONFIG_I", S(m.AppName));
        Assert.Equal("Configured", S(m.Message));
    }

    [Fact]
    public void Parsing_allocates_nothing()
    {
        var lines = Lines("syslog-lf.log").Select(U8).ToArray();
        foreach (var l in lines) SyslogParser.Parse(l, MadeAt, out _);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
            foreach (var l in lines) SyslogParser.Parse(l, MadeAt, out _);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
