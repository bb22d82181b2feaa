using System.Buffers;
using System.Text.Json;

namespace FlowRelay.Engine.Ecs;

/// <summary>
/// Re-writes a JSON document through a <see cref="Utf8JsonWriter"/>, token by token, so the writer's
/// own options (indentation, encoder) apply: strings are unescaped and escaped again by the writer,
/// numbers keep their text. For document writers whose callers ask for options the byte writer does
/// not produce (indented output in tests and tools); never on a hot path.
/// </summary>
internal static class JsonRewriter
{
    public static void Rewrite(ReadOnlySpan<byte> json, Utf8JsonWriter writer)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    writer.WriteStartObject();
                    break;
                case JsonTokenType.EndObject:
                    writer.WriteEndObject();
                    break;
                case JsonTokenType.StartArray:
                    writer.WriteStartArray();
                    break;
                case JsonTokenType.EndArray:
                    writer.WriteEndArray();
                    break;
                case JsonTokenType.PropertyName:
                    WithText(ref reader, writer, static (w, text) => w.WritePropertyName(text));
                    break;
                case JsonTokenType.String:
                    WithText(ref reader, writer, static (w, text) => w.WriteStringValue(text));
                    break;
                case JsonTokenType.Number:
                    // Integers as integers; anything else (fractions, exponents, the double -0) as the double it is,
                    // which the writer formats back to the same shortest text.
                    bool integer = reader.ValueSpan.IndexOfAny(".eE"u8) < 0 && !reader.ValueSpan.StartsWith("-0"u8);
                    if (integer && reader.TryGetUInt64(out ulong u)) writer.WriteNumberValue(u);
                    else if (integer && reader.TryGetInt64(out long l)) writer.WriteNumberValue(l);
                    else writer.WriteNumberValue(reader.GetDouble());
                    break;
                case JsonTokenType.True:
                    writer.WriteBooleanValue(true);
                    break;
                case JsonTokenType.False:
                    writer.WriteBooleanValue(false);
                    break;
                case JsonTokenType.Null:
                    writer.WriteNullValue();
                    break;
            }
        }
    }

    private delegate void TextWriter(Utf8JsonWriter writer, ReadOnlySpan<byte> text);

    /// <summary>Hands the token's unescaped UTF-8 text to <paramref name="write"/>.</summary>
    private static void WithText(ref Utf8JsonReader reader, Utf8JsonWriter writer, TextWriter write)
    {
        if (!reader.ValueIsEscaped)
        {
            write(writer, reader.ValueSpan);
            return;
        }
        byte[] rented = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        try
        {
            int n = reader.CopyString(rented);
            write(writer, rented.AsSpan(0, n));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
