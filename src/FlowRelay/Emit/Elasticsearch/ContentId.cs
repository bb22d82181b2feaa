using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Emit.Elasticsearch;

/// <summary>
/// Deterministic <c>_id</c> of a document that is not a flow (DNS query, alert, threat-index change),
/// derived like <see cref="DocumentId"/>: the first 16 bytes of SHA-256 over the document's identifying
/// content, base64url (22 characters). Each part is written with its kind and length, so no two
/// different sequences of parts hash the same input. One instance per thread (it reuses its hash state).
/// </summary>
public sealed class ContentId
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private byte[] _text = new byte[256];

    /// <summary>Starts an id: the dataset keeps ids of different kinds of document apart.</summary>
    public ContentId Begin(string dataset)
    {
        // GetHashAndReset leaves the state empty; a Begin after an unfinished id starts over too.
        Span<byte> discard = stackalloc byte[32];
        _hash.GetHashAndReset(discard);
        return Add(dataset);
    }

    public ContentId Add(string? value)
    {
        if (value is null)
        {
            Tag(0, 0);
            return this;
        }
        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_text.Length < max) _text = new byte[Math.Max(max, _text.Length * 2)];
        int n = Encoding.UTF8.GetBytes(value, _text);
        Tag(1, n);
        _hash.AppendData(_text, 0, n);
        return this;
    }

    public ContentId Add(long value)
    {
        Span<byte> b = stackalloc byte[9];
        b[0] = 2;
        BinaryPrimitives.WriteInt64BigEndian(b[1..], value);
        _hash.AppendData(b);
        return this;
    }

    public ContentId Add(double? value)
    {
        if (value is not { } v) return Tag(0, 0);
        Span<byte> b = stackalloc byte[9];
        b[0] = 3;
        BinaryPrimitives.WriteInt64BigEndian(b[1..], BitConverter.DoubleToInt64Bits(v));
        _hash.AppendData(b);
        return this;
    }

    public ContentId Add(IpAddr ip)
    {
        Span<byte> b = stackalloc byte[18];
        b[0] = 4;
        b[1] = ip.Family;
        BinaryPrimitives.WriteUInt64BigEndian(b[2..], ip.Hi);
        BinaryPrimitives.WriteUInt64BigEndian(b[10..], ip.Lo);
        _hash.AppendData(b);
        return this;
    }

    /// <summary>Writes the id (22 ASCII bytes) to <paramref name="destination"/> and resets for the next one.</summary>
    public void Finish(Span<byte> destination)
    {
        Span<byte> hash = stackalloc byte[32];
        _hash.GetHashAndReset(hash);
        DocumentId.Base64Url(hash[..16], destination);
    }

    private ContentId Tag(byte kind, int length)
    {
        Span<byte> b = stackalloc byte[5];
        b[0] = kind;
        BinaryPrimitives.WriteInt32BigEndian(b[1..], length);
        _hash.AppendData(b);
        return this;
    }
}
