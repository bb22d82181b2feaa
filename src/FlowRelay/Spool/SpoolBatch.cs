using System.Text;

namespace FlowRelay.Spool;

/// <summary>
/// Entries read from the spool: their bytes in one reusable buffer and, per entry, where its target
/// stream, <c>_id</c> and document are. Reused from read to read, so reading allocates nothing once warm.
/// </summary>
public sealed class SpoolBatch
{
    private byte[] _buffer = new byte[1 << 20];
    private readonly List<Item> _items = [];
    private int _used;
    private int _reserved;

    /// <summary>Position of the first entry.</summary>
    public SpoolPosition Start { get; internal set; }

    /// <summary>Position after the last entry: pass to <see cref="DiskSpool.Acknowledge"/>.</summary>
    public SpoolPosition End { get; internal set; }

    public int Count => _items.Count;

    /// <summary>Payload bytes held.</summary>
    public int Bytes => _used;

    public ReadOnlySpan<byte> Stream(int i) => _buffer.AsSpan(_items[i].StreamStart, _items[i].StreamLength);

    public ReadOnlySpan<byte> Id(int i) => _buffer.AsSpan(_items[i].IdStart, _items[i].IdLength);

    public ReadOnlySpan<byte> Document(int i) => _buffer.AsSpan(_items[i].DocStart, _items[i].DocLength);

    public string StreamString(int i) => Encoding.ASCII.GetString(Stream(i));

    public string IdString(int i) => Encoding.ASCII.GetString(Id(i));

    internal void Clear()
    {
        _items.Clear();
        _used = 0;
    }

    internal Span<byte> Reserve(int length)
    {
        if (_buffer.Length - _used < length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _used + length));
        _reserved = length;
        return _buffer.AsSpan(_used, length);
    }

    internal void Unreserve() => _reserved = 0;

    /// <summary>Parses the reserved payload into an item; false when its inner lengths do not fit.</summary>
    internal bool Commit(int length)
    {
        var p = _buffer.AsSpan(_used, length);
        int streamLength = p[0];
        if (1 + streamLength + 1 > length) return false;
        int idLength = p[1 + streamLength];
        int docStart = 2 + streamLength + idLength;
        if (docStart > length) return false;
        _items.Add(new Item(_used + 1, streamLength, _used + 2 + streamLength, idLength, _used + docStart, length - docStart));
        _used += length;
        _reserved = 0;
        return true;
    }

    private readonly record struct Item(int StreamStart, int StreamLength, int IdStart, int IdLength, int DocStart, int DocLength);
}
