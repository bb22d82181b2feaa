using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using FlowRelay.Emit;
using FlowRelay.Spool;

namespace FlowRelay.Emit.Elasticsearch;

/// <summary>Writes one ECS document for <see cref="SpoolDocumentWriter.Append{T}(string, ReadOnlySpan{byte}, in T, SpoolDocument{T})"/> (a <c>in</c> parameter, so event structs are not copied).</summary>
public delegate void SpoolDocument<T>(Utf8JsonWriter writer, in T value);

/// <summary>
/// What every Elasticsearch sink does with a document: serialise it as ECS JSON into a reusable
/// buffer and append it with its target data stream and deterministic <c>_id</c> to the disk spool.
/// The id is stored with the entry, so every retry and every resend after a restart reuses it.
/// One instance per sink (the buffer is not shared); the spool itself is safe to share between the
/// flow pipeline's and the DNS pipeline's threads.
/// </summary>
public sealed class SpoolDocumentWriter
{
    private readonly DiskSpool _spool;
    private readonly ElasticsearchCounters _counters;
    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    private readonly Utf8JsonWriter _json;

    public SpoolDocumentWriter(DiskSpool spool, ElasticsearchCounters counters)
    {
        _spool = spool;
        _counters = counters;
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true });
    }

    /// <summary>Serialises <paramref name="value"/> and appends it (visible to the sender after <see cref="Commit"/>); counts a refusal.</summary>
    public bool Append<T>(string stream, ReadOnlySpan<byte> id, in T value, SpoolDocument<T> write)
    {
        _buffer.ResetWrittenCount();
        _json.Reset();
        write(_json, in value);
        _json.Flush();
        return Append(stream, id);
    }

    /// <summary>As <see cref="Append{T}(string, ReadOnlySpan{byte}, in T, SpoolDocument{T})"/>, for a document writer that writes bytes itself.</summary>
    public bool Append<T>(string stream, ReadOnlySpan<byte> id, in T value, DocumentBytesWriter<T> write)
    {
        _buffer.ResetWrittenCount();
        write(_buffer, in value);
        return Append(stream, id);
    }

    private bool Append(string stream, ReadOnlySpan<byte> id)
    {
        if (_spool.Append(stream, id, _buffer.WrittenSpan)) return true;
        Interlocked.Increment(ref _counters.SpoolRefused);
        return false;
    }

    /// <summary>Makes what was appended durable (by the spool's fsync policy) and visible to the sender.</summary>
    public void Commit() => _spool.Commit();
}
