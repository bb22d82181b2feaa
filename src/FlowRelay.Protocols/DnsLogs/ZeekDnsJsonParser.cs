using System.Text.Json;

namespace FlowRelay.Protocols.DnsLogs;

/// <summary>
/// Parses one Zeek <c>dns.log</c> line written as JSON (<c>LogAscii::use_json=T</c>):
/// <c>{"ts":…,"uid":"C…","id.orig_h":"…","query":"…","qtype_name":"A","rcode_name":"NOERROR","answers":[…]}</c>.
/// Never throws: invalid JSON gives <see cref="DnsLogParseStatus.Malformed"/>.
/// </summary>
public static class ZeekDnsJsonParser
{
    /// <summary>Parses one JSON object.</summary>
    public static DnsLogParseStatus Parse(ReadOnlySpan<byte> line, out DnsQueryRecord record)
    {
        record = DnsQueryRecord.Empty();
        record.Format = DnsLogFormat.ZeekJson;
        line = DnsText.TrimLine(line);
        if (line.IsEmpty) return DnsLogParseStatus.Empty;
        if (line[0] != '{') return DnsLogParseStatus.WrongFormat;
        try
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 8 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return DnsLogParseStatus.Malformed;
            Span<byte> valueBuf = stackalloc byte[512];
            bool sawQuery = false, sawAny = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                // Zeek's field names are plain ASCII, so the unescaped slice of the line is the name.
                ReadOnlySpan<byte> name = reader.ValueIsEscaped ? default : reader.ValueSpan;
                if (!reader.Read()) return DnsLogParseStatus.Malformed;
                sawAny = true;
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    bool answers = name.SequenceEqual("answers"u8);
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (answers && reader.TokenType == JsonTokenType.String) record.AddAnswer(reader.GetString() ?? "");
                        else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
                    }
                    continue;
                }
                if (reader.TokenType is JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }
                scoped ReadOnlySpan<byte> value;
                if (reader.TokenType == JsonTokenType.String)
                {
                    int len = reader.ValueSpan.Length;
                    Span<byte> dst = len <= valueBuf.Length ? valueBuf : new byte[len];
                    int n = reader.CopyString(dst);
                    value = dst[..n];
                }
                else if (reader.TokenType == JsonTokenType.True) value = "true"u8;
                else if (reader.TokenType == JsonTokenType.False) value = "false"u8;
                else if (reader.TokenType == JsonTokenType.Number) value = reader.ValueSpan;
                else continue;
                if (name.SequenceEqual("query"u8)) sawQuery = true;
                ZeekDnsFields.Apply(name, value, ref record);
            }
            if (!sawAny) return DnsLogParseStatus.Malformed;
            // Zeek logs requests that never carried a question (query unset) too; they are not queries.
            return sawQuery ? DnsLogParseStatus.Ok : DnsLogParseStatus.NotAQuery;
        }
        catch (JsonException)
        {
            return DnsLogParseStatus.Malformed;
        }
        catch (InvalidOperationException)
        {
            return DnsLogParseStatus.Malformed;
        }
    }
}
