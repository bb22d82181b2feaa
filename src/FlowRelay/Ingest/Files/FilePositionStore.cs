using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace FlowRelay.Ingest.Files;

/// <summary>
/// Where each tailed file was read to: (inode, offset just past the last line whose events the
/// sinks have flushed), kept in &lt;data_dir&gt;/file-positions.json and replaced atomically
/// (write to a temporary file, then rename). The DNS pipeline stages and saves; tailers read it at start.
/// </summary>
public sealed class FilePositionStore
{
    /// <summary>The file name under data_dir.</summary>
    public const string FileName = "file-positions.json";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, FilePosition> _saved = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FilePosition> _staged = new(StringComparer.Ordinal);
    private readonly ILogger _logger;

    public FilePositionStore(string dataDir, ILogger logger)
    {
        FilePath = Path.Combine(dataDir, FileName);
        _logger = logger;
        Load();
    }

    /// <summary>The positions file.</summary>
    public string FilePath { get; }

    /// <summary>True when positions changed since the last save.</summary>
    public bool HasStaged
    {
        get { lock (_gate) return _staged.Count > 0; }
    }

    /// <summary>The saved position of <paramref name="path"/>, if any.</summary>
    public bool TryGet(string path, out FilePosition position)
    {
        lock (_gate)
        {
            if (_staged.TryGetValue(path, out position)) return true;
            return _saved.TryGetValue(path, out position);
        }
    }

    /// <summary>Records that the lines of <paramref name="path"/> up to <paramref name="offset"/> in inode <paramref name="inode"/> are with the sinks.</summary>
    public void Stage(string path, ulong inode, long offset)
    {
        lock (_gate) _staged[path] = new FilePosition(inode, offset);
    }

    /// <summary>Writes the staged positions to disk (call after the sinks flushed).</summary>
    public void Save()
    {
        Dictionary<string, FilePosition> all;
        lock (_gate)
        {
            if (_staged.Count == 0) return;
            foreach (var (k, v) in _staged) _saved[k] = v;
            _staged.Clear();
            all = new Dictionary<string, FilePosition>(_saved, StringComparer.Ordinal);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(FilePath))!);
        string tmp = FilePath + ".tmp";
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(fs, all.ToDictionary(kv => kv.Key, kv => new Entry { Inode = kv.Value.Inode, Offset = kv.Value.Offset }));
            fs.Flush(flushToDisk: true);
        }
        File.Move(tmp, FilePath, overwrite: true);
    }

    private void Load()
    {
        if (!File.Exists(FilePath)) return;
        try
        {
            var entries = JsonSerializer.Deserialize<Dictionary<string, Entry>>(File.ReadAllBytes(FilePath));
            if (entries is null) return;
            foreach (var (k, v) in entries) _saved[k] = new FilePosition(v.Inode, v.Offset);
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            // A damaged positions file must not stop the relay: files are then read from their start.
            _logger.LogWarning("file positions: cannot read {Path} ({Error}); tailed files are read from the start", FilePath, e.Message);
        }
    }

    private sealed class Entry
    {
        public ulong Inode { get; set; }
        public long Offset { get; set; }
    }
}

/// <summary>A read position: which file (inode) and how far.</summary>
public readonly record struct FilePosition(ulong Inode, long Offset);
