namespace FlowRelay.Protocols.DnsLogs;

/// <summary>
/// Reads Zeek <c>dns.log</c> in its default TSV form. The <c>#separator</c>, <c>#set_separator</c>,
/// <c>#unset_field</c>, <c>#empty_field</c> and <c>#fields</c> header lines configure the reader;
/// data lines are mapped by the <c>#fields</c> order, so any column order or extra columns work.
/// One reader per file (the header repeats after rotation and resets it). Never throws.
/// </summary>
public sealed class ZeekDnsTsvReader
{
    private byte[][] _fields = [];
    private byte _separator = (byte)'\t';
    private byte _setSeparator = (byte)',';
    private byte[] _unset = "-"u8.ToArray();
    private byte[] _empty = "(empty)"u8.ToArray();
    private int _answersColumn = -1;

    /// <summary>True once a <c>#fields</c> line has been read.</summary>
    public bool HasHeader => _fields.Length > 0;

    /// <summary>The column names from <c>#fields</c>.</summary>
    public IReadOnlyList<string> Fields => _fields.Select(f => System.Text.Encoding.ASCII.GetString(f)).ToArray();

    /// <summary>
    /// Reads one line: a header line updates the reader and gives <see cref="DnsLogParseStatus.NotAQuery"/>;
    /// a data line before any <c>#fields</c> gives <see cref="DnsLogParseStatus.Malformed"/>.
    /// </summary>
    public DnsLogParseStatus Read(ReadOnlySpan<byte> line, out DnsQueryRecord record)
    {
        record = DnsQueryRecord.Empty();
        record.Format = DnsLogFormat.ZeekTsv;
        int e = line.Length;
        while (e > 0 && line[e - 1] is (byte)'\n' or (byte)'\r') e--;
        line = line[..e];
        if (line.IsEmpty) return DnsLogParseStatus.Empty;
        if (line[0] == '#')
        {
            ReadHeader(line);
            return DnsLogParseStatus.NotAQuery;
        }
        if (_fields.Length == 0) return DnsLogParseStatus.Malformed;

        int col = 0;
        bool sawQuery = false;
        while (col < _fields.Length)
        {
            int sep = line.IndexOf(_separator);
            var value = sep < 0 ? line : line[..sep];
            if (!value.SequenceEqual(_unset))
            {
                if (col == _answersColumn)
                {
                    if (!value.SequenceEqual(_empty))
                        foreach (var part in new SetSplitter(value, _setSeparator)) record.AddAnswer(DnsText.Ascii(part));
                }
                else
                {
                    if (_fields[col].AsSpan().SequenceEqual("query"u8)) sawQuery = true;
                    ZeekDnsFields.Apply(_fields[col], value.SequenceEqual(_empty) ? default : value, ref record);
                }
            }
            col++;
            if (sep < 0) break;
            line = line[(sep + 1)..];
        }
        if (col < _fields.Length) return DnsLogParseStatus.Malformed;
        return sawQuery ? DnsLogParseStatus.Ok : DnsLogParseStatus.NotAQuery;
    }

    private void ReadHeader(ReadOnlySpan<byte> line)
    {
        // "#separator \x09" uses a space before its value (it defines the separator); the other
        // directives are separated from their value by the separator itself.
        if (line.StartsWith("#separator "u8))
        {
            var v = line["#separator "u8.Length..];
            if (v.Length == 4 && v[0] == '\\' && v[1] == 'x' && TryHex(v[2], v[3], out byte b)) _separator = b;
            else if (v.Length == 1) _separator = v[0];
            return;
        }
        int sep = line.IndexOf(_separator);
        if (sep < 0) return;
        var key = line[..sep];
        var rest = line[(sep + 1)..];
        if (key.SequenceEqual("#set_separator"u8) && rest.Length == 1) _setSeparator = rest[0];
        else if (key.SequenceEqual("#unset_field"u8)) _unset = rest.ToArray();
        else if (key.SequenceEqual("#empty_field"u8)) _empty = rest.ToArray();
        else if (key.SequenceEqual("#fields"u8))
        {
            var list = new List<byte[]>();
            foreach (var f in new SetSplitter(rest, _separator)) list.Add(f.ToArray());
            _fields = list.ToArray();
            _answersColumn = list.FindIndex(f => f.AsSpan().SequenceEqual("answers"u8));
        }
    }

    private static bool TryHex(byte hi, byte lo, out byte value)
    {
        value = 0;
        int h = Hex(hi), l = Hex(lo);
        if (h < 0 || l < 0) return false;
        value = (byte)(h * 16 + l);
        return true;
    }

    private static int Hex(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    private ref struct SetSplitter(ReadOnlySpan<byte> s, byte sep)
    {
        private ReadOnlySpan<byte> _rest = s;
        private bool _done = s.IsEmpty;

        public ReadOnlySpan<byte> Current { get; private set; }

        public readonly SetSplitter GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_done) return false;
            int i = _rest.IndexOf(sep);
            if (i < 0)
            {
                Current = _rest;
                _done = true;
                return true;
            }
            Current = _rest[..i];
            _rest = _rest[(i + 1)..];
            return true;
        }
    }
}
