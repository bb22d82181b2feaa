using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using CsCheck;
using FlowRelay.Engine.Ecs;

namespace FlowRelay.Engine.Tests.Ecs;

/// <summary>
/// The raw JSON path of the document writers against <see cref="Utf8JsonWriter"/> itself: for
/// any string (any UTF-16, any UTF-8 bytes), any double and any integer, under both encoders the
/// outputs use, the raw path writes the same bytes the writer writes, or fails as the writer fails.
/// </summary>
public class RawJsonTests
{
    private static readonly JsonEncodedText Name = JsonEncodedText.Encode("n");

    private static readonly JsonWriterOptions[] Options =
    [
        default,
        new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true },
    ];

    private static string Through(JsonWriterOptions options, bool raw, Action<IJsonOutBox> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        try
        {
            using (var writer = new Utf8JsonWriter(buffer, options))
            {
                if (raw)
                {
                    Assert.True(RawJsonBuffer.Supports(writer));
                    var b = RawJsonBuffer.Begin(writer);
                    write(new Box<RawOut>(new RawOut(b)));
                    writer.WriteRawValue(b.Written, skipInputValidation: true);
                }
                else
                {
                    write(new Box<WriterOut>(new WriterOut(writer)));
                }
            }
            return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        catch (ArgumentException e)
        {
            return "throws " + e.GetType().Name;
        }
    }

    private static void Same(Action<IJsonOutBox> write)
    {
        foreach (var options in Options) Assert.Equal(Through(options, raw: false, write), Through(options, raw: true, write));
    }

    [Fact]
    public void Strings_are_escaped_exactly_as_the_writer_escapes_them()
    {
        Gen.String.Sample(s => Same(w => w.Object(o => { o.String(Name, s); o.String(Name, (string?)null); })), iter: 20_000);
        Gen.Char[(char)0, (char)0x2FF].Array[0, 40].Select(c => new string(c)).Sample(s => Same(w => w.Object(o => o.String(Name, s))), iter: 20_000);
        Gen.Byte.Array[0, 40].Sample(bytes => Same(w => w.Object(o => { o.String(Name, bytes); o.ArrayOf(Name, bytes); })), iter: 20_000);
    }

    [Fact]
    public void Numbers_are_formatted_exactly_as_the_writer_formats_them()
    {
        Gen.Double.Sample(d => Same(w => w.Object(o => o.Number(Name, d))), iter: 50_000);
        Gen.Double[-180, 180].Sample(d => Same(w => w.Object(o => { o.Number(Name, d); o.Number(Name, Math.Round(d, 4)); })), iter: 20_000);
        Gen.Long.Sample(l => Same(w => w.Object(o => { o.Number(Name, l); o.Number(Name, (ulong)l); })), iter: 20_000);
        foreach (double d in new[] { 0.0, -0.0, double.Epsilon, double.MaxValue, double.MinValue, double.NaN, double.PositiveInfinity, 1e-7, 0.75, 51.5142 })
        {
            Same(w => w.Object(o => o.Number(Name, d)));
        }
    }

    [Fact]
    public void Nesting_and_separators_match()
    {
        var value = JsonEncodedText.Encode("v<é>");
        Same(w => w.Object(o =>
        {
            o.Object(Name, i => { i.Boolean(Name, true); i.Object(Name, _ => { }); i.Boolean(Name, false); });
            o.ArrayOf(Name, "1"u8.ToArray());
            o.String(Name, value);
            o.Object(Name, _ => { });
        }));
    }

    /// <summary>The two implementations behind one non-generic face, for the lambdas above.</summary>
    public interface IJsonOutBox
    {
        void Object(Action<IJsonOutBox> members);
        void Object(JsonEncodedText name, Action<IJsonOutBox> members);
        void ArrayOf(JsonEncodedText name, byte[] utf8Element);
        void String(JsonEncodedText name, string? value);
        void String(JsonEncodedText name, byte[] utf8);
        void String(JsonEncodedText name, JsonEncodedText value);
        void Number(JsonEncodedText name, double value);
        void Number(JsonEncodedText name, long value);
        void Number(JsonEncodedText name, ulong value);
        void Boolean(JsonEncodedText name, bool value);
    }

    private sealed class Box<T>(T w) : IJsonOutBox where T : struct, IJsonOut
    {
        public void Object(Action<IJsonOutBox> members)
        {
            w.StartObject();
            members(this);
            w.EndObject();
        }

        public void Object(JsonEncodedText name, Action<IJsonOutBox> members)
        {
            w.StartObject(name);
            members(this);
            w.EndObject();
        }

        public void ArrayOf(JsonEncodedText name, byte[] utf8Element)
        {
            w.StartArray(name);
            w.StringValue(utf8Element);
            w.StringValue(Name);
            w.EndArray();
        }

        public void String(JsonEncodedText name, string? value) => w.String(name, value);
        public void String(JsonEncodedText name, byte[] utf8) => w.String(name, utf8);
        public void String(JsonEncodedText name, JsonEncodedText value) => w.String(name, value);
        public void Number(JsonEncodedText name, double value) => w.Number(name, value);
        public void Number(JsonEncodedText name, long value) => w.Number(name, value);
        public void Number(JsonEncodedText name, ulong value) => w.Number(name, value);
        public void Boolean(JsonEncodedText name, bool value) => w.Boolean(name, value);
    }
}
