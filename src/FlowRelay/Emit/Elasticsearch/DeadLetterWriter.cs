using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace FlowRelay.Emit.Elasticsearch;

/// <summary>
/// Events Elasticsearch refused for good, one JSON object per line in
/// <c>dead-letter-&lt;yyyyMMdd&gt;.ndjson</c>: when, target data stream, <c>_id</c>, HTTP status,
/// the error type and reason, and the document itself (so it can be fixed and re-sent).
/// </summary>
public sealed class DeadLetterWriter : IDisposable
{
    private readonly string _directory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private FileStream? _file;
    private string? _fileDay;

    public DeadLetterWriter(string directory, ILogger logger, TimeProvider? time = null)
    {
        _directory = directory;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    public string DirectoryPath => _directory;

    /// <summary>Writes one line per refused event and flushes to the OS.</summary>
    public void Write(IReadOnlyList<DeadLetter> letters)
    {
        if (letters.Count == 0) return;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            try
            {
                var file = Open(now);
                using var json = new Utf8JsonWriter(file, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
                foreach (var l in letters)
                {
                    json.WriteStartObject();
                    json.WriteString("@timestamp", now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
                    json.WriteString("data_stream", l.Stream);
                    json.WriteString("_id", l.Id);
                    json.WriteNumber("status", l.Status);
                    json.WriteString("error_type", l.ErrorType);
                    json.WriteString("reason", l.Reason);
                    json.WritePropertyName("document");
                    try
                    {
                        json.WriteRawValue(l.Document, skipInputValidation: false);
                    }
                    catch (JsonException)
                    {
                        json.WriteBase64StringValue(l.Document);
                    }
                    json.WriteEndObject();
                    json.Flush();
                    json.Reset();
                    file.WriteByte((byte)'\n');
                }
                json.Flush();
                file.Flush();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _logger.LogError("elasticsearch: cannot write the dead-letter file in {Path}: {Error}; {Count} refused events are only counted",
                    _directory, e.Message, letters.Count);
                _file?.Dispose();
                _file = null;
            }
        }
    }

    private FileStream Open(DateTimeOffset now)
    {
        string day = now.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        if (_file is not null && day == _fileDay) return _file;
        _file?.Dispose();
        Directory.CreateDirectory(_directory);
        _file = new FileStream(Path.Combine(_directory, $"dead-letter-{day}.ndjson"), FileMode.Append, FileAccess.Write, FileShare.Read);
        _fileDay = day;
        return _file;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _file?.Dispose();
            _file = null;
        }
    }
}

/// <summary>One refused event.</summary>
public sealed record DeadLetter(string Stream, string Id, int Status, string ErrorType, string Reason, byte[] Document);
