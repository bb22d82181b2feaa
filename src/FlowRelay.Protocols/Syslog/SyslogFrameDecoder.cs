namespace FlowRelay.Protocols.Syslog;

/// <summary>
/// Cuts one TCP connection's byte stream into syslog messages (RFC 6587). The framing is chosen
/// from the first byte and kept for the connection. Memory is bounded by
/// <see cref="MaxMessageSize"/>: a longer message is delivered cut to that size and flagged,
/// the rest skipped, so a hostile sender can never make the decoder buffer without limit.
/// Not thread-safe: one per connection.
/// </summary>
public sealed class SyslogFrameDecoder
{
    // RFC 6587 §3.4.1: MSG-LEN is NONZERO-DIGIT *DIGIT; more than 9 digits is beyond any sane size.
    private const int MaxLengthDigits = 9;

    private readonly byte[] _buffer;
    private int _buffered;
    // Octet counting: bytes of the current message still to come (-1 while reading MSG-LEN).
    private long _remaining = -1;
    private long _lengthValue;
    private int _lengthDigits;
    // Bytes still to discard after a cut message (octet counting) or until LF (non-transparent).
    private long _skip;
    private bool _skipToNewline;

    /// <summary>Creates a decoder delivering messages of at most <paramref name="maxMessageSize"/> bytes.</summary>
    public SyslogFrameDecoder(int maxMessageSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageSize, 16);
        MaxMessageSize = maxMessageSize;
        _buffer = new byte[maxMessageSize];
    }

    /// <summary>The framing seen on this stream.</summary>
    public SyslogFraming Framing { get; private set; }

    /// <summary>The largest message delivered whole; longer ones are cut and flagged.</summary>
    public int MaxMessageSize { get; }

    /// <summary>Messages delivered (including cut ones).</summary>
    public long Frames { get; private set; }

    /// <summary>Messages delivered cut to <see cref="MaxMessageSize"/>.</summary>
    public long Truncated { get; private set; }

    /// <summary>
    /// True once an octet-counted stream had a bad MSG-LEN: the stream cannot be resynchronised
    /// (RFC 6587 §3.4.1 has no delimiter), so the caller should count it and close the connection.
    /// </summary>
    public bool Broken { get; private set; }

    /// <summary>Feeds received bytes; delivers every complete message to <paramref name="sink"/>. Returns false once <see cref="Broken"/>.</summary>
    public bool Feed<TSink>(ReadOnlySpan<byte> data, ref TSink sink) where TSink : struct, ISyslogFrameSink
    {
        if (Broken) return false;
        if (data.IsEmpty) return true;
        if (Framing == SyslogFraming.Unknown)
        {
            // RFC 6587 §3.4: an octet-counted frame starts with MSG-LEN, a non-transparent one with
            // the message's '<'. Anything else (PRI-less senders) can only be newline framed.
            Framing = (uint)(data[0] - '1') <= 8 ? SyslogFraming.OctetCounting : SyslogFraming.NonTransparent;
        }
        return Framing == SyslogFraming.OctetCounting ? FeedOctetCounted(data, ref sink) : FeedNonTransparent(data, ref sink);
    }

    /// <summary>
    /// End of stream. A non-transparent message without its trailing LF is delivered (senders
    /// often omit the last one); an octet-counted message cut short is discarded and false returned.
    /// </summary>
    public bool Complete<TSink>(ref TSink sink) where TSink : struct, ISyslogFrameSink
    {
        bool clean = true;
        if (Framing == SyslogFraming.NonTransparent && _buffered > 0 && !_skipToNewline)
            Deliver(_buffer.AsSpan(0, _buffered), false, ref sink);
        else if (Framing == SyslogFraming.OctetCounting && (_buffered > 0 || _remaining > 0 || _lengthDigits > 0 || _skip > 0))
            clean = false;
        _buffered = 0;
        _remaining = -1;
        _lengthDigits = 0;
        _skip = 0;
        _skipToNewline = false;
        return clean && !Broken;
    }

    private bool FeedOctetCounted<TSink>(ReadOnlySpan<byte> data, ref TSink sink) where TSink : struct, ISyslogFrameSink
    {
        while (!data.IsEmpty)
        {
            if (_skip > 0)
            {
                int n = (int)Math.Min(_skip, data.Length);
                _skip -= n;
                data = data[n..];
                continue;
            }
            if (_remaining < 0)
            {
                byte c = data[0];
                data = data[1..];
                if (c == ' ' && _lengthDigits > 0)
                {
                    _remaining = _lengthValue;
                    _lengthDigits = 0;
                    _lengthValue = 0;
                    continue;
                }
                if ((uint)(c - '0') > 9 || (_lengthDigits == 0 && c == '0') || _lengthDigits >= MaxLengthDigits)
                {
                    Broken = true;
                    return false;
                }
                _lengthValue = _lengthValue * 10 + (c - '0');
                _lengthDigits++;
                continue;
            }
            long want = Math.Min(_remaining, MaxMessageSize);
            if (_buffered == 0 && data.Length >= want)
            {
                // Fast path: the whole message is in this read; hand out a slice, no copy.
                Complete(data[..(int)want], ref sink, ref data);
                continue;
            }
            int take = (int)Math.Min(want - _buffered, data.Length);
            data[..take].CopyTo(_buffer.AsSpan(_buffered));
            _buffered += take;
            data = data[take..];
            if (_buffered == want)
            {
                _buffered = 0;
                ReadOnlySpan<byte> none = default;
                Complete(_buffer.AsSpan(0, (int)want), ref sink, ref none);
            }
        }
        return true;
    }

    private void Complete<TSink>(ReadOnlySpan<byte> message, ref TSink sink, ref ReadOnlySpan<byte> data) where TSink : struct, ISyslogFrameSink
    {
        bool cut = _remaining > message.Length;
        _skip = _remaining - message.Length;
        _remaining = -1;
        if (!data.IsEmpty) data = data[message.Length..];
        Deliver(message, cut, ref sink);
    }

    private bool FeedNonTransparent<TSink>(ReadOnlySpan<byte> data, ref TSink sink) where TSink : struct, ISyslogFrameSink
    {
        while (!data.IsEmpty)
        {
            // RFC 6587 §3.4.2: the trailer is LF; some senders use NUL.
            int nl = data.IndexOfAny((byte)'\n', (byte)0);
            if (_skipToNewline)
            {
                if (nl < 0) return true;
                _skipToNewline = false;
                data = data[(nl + 1)..];
                continue;
            }
            if (nl < 0)
            {
                int room = MaxMessageSize - _buffered;
                // Exactly full is not yet cut: the LF may come in the next read.
                if (data.Length <= room)
                {
                    data.CopyTo(_buffer.AsSpan(_buffered));
                    _buffered += data.Length;
                    return true;
                }
                data[..room].CopyTo(_buffer.AsSpan(_buffered));
                _buffered = 0;
                _skipToNewline = true;
                Deliver(_buffer, true, ref sink);
                data = data[room..];
                continue;
            }
            var line = data[..nl];
            data = data[(nl + 1)..];
            if (_buffered == 0)
            {
                if (line.Length > MaxMessageSize) Deliver(line[..MaxMessageSize], true, ref sink);
                else if (!IsBlank(line)) Deliver(line, false, ref sink);
                continue;
            }
            int fit = Math.Min(line.Length, MaxMessageSize - _buffered);
            line[..fit].CopyTo(_buffer.AsSpan(_buffered));
            int total = _buffered + fit;
            _buffered = 0;
            Deliver(_buffer.AsSpan(0, total), fit < line.Length, ref sink);
        }
        return true;
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.IsEmpty || (line.Length == 1 && line[0] == '\r');

    private void Deliver<TSink>(ReadOnlySpan<byte> frame, bool truncated, ref TSink sink) where TSink : struct, ISyslogFrameSink
    {
        Frames++;
        if (truncated) Truncated++;
        if (!frame.IsEmpty && frame[^1] == '\r' && !truncated) frame = frame[..^1];
        sink.OnFrame(frame, truncated);
    }
}
