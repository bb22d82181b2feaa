using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using FlowRelay.Config;
using FlowRelay.Engine.Ecs;
using FlowRelay.Engine.Events;
using Microsoft.Extensions.Logging;

namespace FlowRelay.Emit;

/// <summary>
/// Writes one ECS document per line to rotating files
/// <c>&lt;prefix&gt;&lt;yyyyMMdd'T'HHmmss&gt;-&lt;n&gt;.ndjson</c> (UTC start time, sequence number):
/// <c>flows-</c> for flow events; other instances write other documents (<c>alerts-</c>) through
/// <see cref="WriteDocument{TState}(TState, Action{Utf8JsonWriter, TState})"/> (or, for a byte writer, <see cref="WriteDocument{TState}(in TState, DocumentBytesWriter{TState})"/>) with the same rotation, retention and crash recovery.
/// The file being written carries an extra <c>.partial</c> suffix and is renamed when it is
/// complete, so a reader picking up <c>*.ndjson</c> never sees a file that is still growing.
/// Only whole lines are ever written to disk.
/// </summary>
public sealed class NdjsonFileSink : IFlowEventSink, IDisposable
{
    /// <summary>Suffix of the file currently being written.</summary>
    public const string PartialSuffix = ".partial";

    /// <summary>File name prefix of flow event files.</summary>
    public const string FlowsPrefix = "flows-";

    private const string Extension = ".ndjson";
    // Lines are gathered here and written in large chunks; a line is never split across writes.
    private const int WriteChunk = 256 * 1024;

    private readonly string _prefix;
    private readonly NdjsonOutputSettings _settings;
    private readonly ILogger<NdjsonFileSink> _logger;
    private readonly TimeProvider _time;
    private readonly ArrayBufferWriter<byte> _buffer = new(WriteChunk + 4096);
    private readonly Utf8JsonWriter _json;
    private FileStream? _file;
    private string? _partialPath;
    private long _fileBytes;
    private DateTimeOffset _fileOpened;
    private DateTimeOffset _lastFlush;
    private int _sequence;

    public NdjsonFileSink(NdjsonOutputSettings settings, ILogger<NdjsonFileSink> logger, TimeProvider? time = null, string prefix = FlowsPrefix)
    {
        _prefix = prefix;
        _settings = settings;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        // Unsafe-relaxed escaping keeps domain names and paths readable; NDJSON lines are never embedded in HTML.
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true });
        Directory.CreateDirectory(settings.Path);
        RecoverPartialFiles();
        _lastFlush = _time.GetUtcNow();
    }

    public string Name => "ndjson";

    public NdjsonSinkCounters Counters { get; } = new();

    /// <summary>Folder the files are written to.</summary>
    public string DirectoryPath => _settings.Path;

    public void Write(ReadOnlySpan<FlowEvent> events)
    {
        for (int i = 0; i < events.Length; i++)
        {
            int before = _buffer.WrittenCount;
            // Straight into the buffer, escaped as _json's encoder escapes (FlowDocumentWriter's byte writer).
            FlowDocumentWriter.Write(_buffer, in events[i]);
            EndLine(before);
        }
    }

    /// <summary>Writes one document (a complete JSON object written by <paramref name="write"/>) as one line.</summary>
    public void WriteDocument<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        int before = _buffer.WrittenCount;
        write(_json, state);
        _json.Flush();
        _json.Reset();
        EndLine(before);
    }

    /// <summary>Writes one document (a complete JSON object written as bytes by <paramref name="write"/>) as one line.</summary>
    public void WriteDocument<TState>(in TState state, DocumentBytesWriter<TState> write)
    {
        int before = _buffer.WrittenCount;
        write(_buffer, in state);
        EndLine(before);
    }

    /// <summary>Ends the line started at <paramref name="before"/>; rotates or writes out as needed.</summary>
    private void EndLine(int before)
    {
        _buffer.GetSpan(1)[0] = (byte)'\n';
        _buffer.Advance(1);
        int lineLength = _buffer.WrittenCount - before;

        // Rotate before this line if it would push the current file past the limit.
        if (_fileBytes + before + lineLength > _settings.MaxFileSize.Bytes && _fileBytes + before > 0)
        {
            WritePending(before);
            Rotate();
        }
        Counters.Events++;
        if (_buffer.WrittenCount >= WriteChunk) WritePending(_buffer.WrittenCount);
    }

    public void Tick(DateTimeOffset now)
    {
        if (_file is not null && now - _fileOpened >= _settings.MaxFileAge.Value)
        {
            WritePending(_buffer.WrittenCount);
            Rotate();
            return;
        }
        if (now - _lastFlush >= _settings.FlushInterval.Value) Flush();
    }

    public void Flush()
    {
        WritePending(_buffer.WrittenCount);
        try
        {
            _file?.Flush();
        }
        catch (IOException e)
        {
            WriteFailed(e);
        }
        _lastFlush = _time.GetUtcNow();
    }

    public void Close()
    {
        Flush();
        CloseFile();
    }

    public void Dispose()
    {
        Close();
        _json.Dispose();
    }

    /// <summary>Writes the first <paramref name="count"/> buffered bytes (whole lines) and keeps the rest.</summary>
    private void WritePending(int count)
    {
        if (count == 0) return;
        try
        {
            if (_file is null) OpenFile();
            _file!.Write(_buffer.WrittenSpan[..count]);
            _fileBytes += count;
            Counters.Bytes += count;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Counters.EventsDropped += _buffer.WrittenSpan[..count].Count((byte)'\n');
            WriteFailed(e);
        }
        var rest = _buffer.WrittenSpan[count..];
        if (rest.IsEmpty)
        {
            _buffer.ResetWrittenCount();
            return;
        }
        // Rare (only when rotating mid-batch): keep the tail line for the next file.
        byte[] tail = rest.ToArray();
        _buffer.ResetWrittenCount();
        _buffer.Write(tail);
    }

    private void WriteFailed(Exception e)
    {
        if (Counters.WriteErrors++ % 1000 == 0)
            _logger.LogError("ndjson: cannot write to {Path}: {Error}", _partialPath ?? _settings.Path, e.Message);
        CloseFile();
    }

    private void OpenFile()
    {
        _fileOpened = _time.GetUtcNow();
        string stamp = _fileOpened.UtcDateTime.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture);
        string final;
        do
        {
            _sequence++;
            final = Path.Combine(_settings.Path, $"{_prefix}{stamp}-{_sequence.ToString(CultureInfo.InvariantCulture)}{Extension}");
        } while (File.Exists(final) || File.Exists(final + PartialSuffix));
        Directory.CreateDirectory(_settings.Path);
        _partialPath = final + PartialSuffix;
        _file = new FileStream(_partialPath, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
        _fileBytes = 0;
    }

    private void Rotate()
    {
        CloseFile();
        EnforceMaxFiles();
    }

    private void CloseFile()
    {
        if (_file is null) return;
        var path = _partialPath!;
        try
        {
            _file.Dispose();
        }
        catch (IOException)
        {
        }
        _file = null;
        _partialPath = null;
        _fileBytes = 0;
        try
        {
            File.Move(path, path[..^PartialSuffix.Length], overwrite: false);
            Counters.FilesWritten++;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogError("ndjson: cannot rename {Path}: {Error}", path, e.Message);
        }
        EnforceMaxFiles();
    }

    /// <summary>Deletes the oldest complete files so at most max_files exist (counting the one being written).</summary>
    private void EnforceMaxFiles()
    {
        string[] files;
        try
        {
            files = Directory.GetFiles(_settings.Path, _prefix + "*" + Extension);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        int allowed = _settings.MaxFiles - (_file is null ? 0 : 1);
        if (files.Length <= allowed) return;
        var ordered = files.Select(f => (Path: f, Key: SortKey(f))).OrderBy(x => x.Key.Stamp, StringComparer.Ordinal).ThenBy(x => x.Key.Seq).ToList();
        foreach (var (path, _) in ordered.Take(files.Length - Math.Max(allowed, 0)))
        {
            try
            {
                File.Delete(path);
                Counters.FilesDeleted++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _logger.LogWarning("ndjson: cannot delete old file {Path}: {Error}", path, e.Message);
            }
        }
    }

    private (string Stamp, long Seq) SortKey(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path); // flows-20260101T000000-12
        int dash = name.LastIndexOf('-');
        if (dash <= _prefix.Length) return (name, 0);
        long.TryParse(name.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long seq);
        return (name[_prefix.Length..dash], seq);
    }

    /// <summary>
    /// A crash leaves a <c>.partial</c> file behind: cut any half-written last line and publish it,
    /// so nothing flushed before the crash is lost and nothing broken is read.
    /// </summary>
    private void RecoverPartialFiles()
    {
        foreach (var partial in Directory.GetFiles(_settings.Path, _prefix + "*" + Extension + PartialSuffix))
        {
            try
            {
                using (var fs = new FileStream(partial, FileMode.Open, FileAccess.ReadWrite))
                {
                    long keep = LastLineEnd(fs);
                    if (keep < fs.Length) fs.SetLength(keep);
                }
                File.Move(partial, partial[..^PartialSuffix.Length], overwrite: false);
                _logger.LogInformation("ndjson: recovered {Path} left by an earlier run", partial);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _logger.LogWarning("ndjson: cannot recover {Path}: {Error}", partial, e.Message);
            }
        }
    }

    private static long LastLineEnd(FileStream fs)
    {
        var chunk = new byte[4096];
        long end = fs.Length;
        while (end > 0)
        {
            int n = (int)Math.Min(chunk.Length, end);
            fs.Position = end - n;
            fs.ReadExactly(chunk, 0, n);
            int nl = chunk.AsSpan(0, n).LastIndexOf((byte)'\n');
            if (nl >= 0) return end - n + nl + 1;
            end -= n;
        }
        return 0;
    }
}
