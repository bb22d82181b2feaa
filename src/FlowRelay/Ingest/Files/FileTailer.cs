using System.Buffers;
using FlowRelay.Ingest.Syslog;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowRelay.Ingest.Files;

/// <summary>
/// Tails one log file as logrotate leaves it. Rename rotation (the default): the open file is
/// read to its end, then the new file at the path is read from its start. copytruncate: the
/// file shrinking below the read position means it was truncated, so reading restarts at 0.
/// Each line goes to the <see cref="LogChannel"/> with its inode and end offset (waiting for room,
/// never dropped); the DNS pipeline saves positions once the events are flushed. On start the
/// saved position is resumed: in the same file, or — when the file was rotated while the relay
/// was down — in the rotated file found by its inode beside the path, read to its end before the
/// new file. Limits: with copytruncate, lines written between logrotate's copy and its truncate
/// are lost (logrotate's own caveat), and a rotated file compressed before it was read to the end
/// cannot be found (use delaycompress).
/// </summary>
public sealed class FileTailer : BackgroundService
{
    private const int ReadChunk = 64 * 1024;

    private readonly FilePositionStore _positions;
    private readonly LogChannel _channel;
    private readonly TimeSpan _poll;
    private readonly int _maxLine;
    private readonly ILogger _logger;
    private readonly byte[] _line;
    private int _lineLength;
    private bool _lineCut;

    public FileTailer(FileTailSource source, FilePositionStore positions, LogChannel channel, TimeSpan pollInterval, int maxLineSize, ILogger logger)
    {
        Source = source;
        _positions = positions;
        _channel = channel;
        _poll = pollInterval;
        _maxLine = maxLineSize;
        _logger = logger;
        _line = new byte[maxLineSize];
    }

    public FileTailSource Source { get; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string path = Source.Path;
        try
        {
            await ResumeAsync(path, stoppingToken).ConfigureAwait(false);
            while (!stoppingToken.IsCancellationRequested)
            {
                using var file = await OpenWhenPresentAsync(path, stoppingToken).ConfigureAwait(false);
                if (file is null) return;
                await FollowAsync(file, path, 0, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Continues from the saved position: the same file, or the rotated one that has its inode.</summary>
    private async Task ResumeAsync(string path, CancellationToken ct)
    {
        if (!_positions.TryGet(path, out var saved)) return;
        if (FileIdentity.TryGet(path, out ulong inode, out _) && inode == saved.Inode)
        {
            using var same = Open(path);
            if (same is not null) await FollowAsync(same, path, saved.Offset, ct).ConfigureAwait(false);
            return;
        }
        string? rotated = FindByInode(path, saved.Inode);
        if (rotated is null)
        {
            _logger.LogWarning("file {Path}: the file read before the restart (inode {Inode}) is gone; reading the current file from its start", path, saved.Inode);
            return;
        }
        _logger.LogInformation("file {Path}: rotated while stopped; finishing {Rotated} from offset {Offset}", path, rotated, saved.Offset);
        using var old = Open(rotated);
        if (old is null) return;
        await DrainAsync(old, saved.Offset, saved.Inode, ct).ConfigureAwait(false);
    }

    private static string? FindByInode(string path, ulong inode)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string name = Path.GetFileName(path);
        try
        {
            foreach (string candidate in Directory.EnumerateFiles(dir, name + "*"))
                if (FileIdentity.TryGet(candidate, out ulong i, out _) && i == inode) return candidate;
        }
        catch (IOException)
        {
        }
        return null;
    }

    /// <summary>
    /// Reads <paramref name="file"/> from <paramref name="offset"/> and keeps following it until the
    /// path names another file (rotated: the rest of this one is read first) or the stop token fires.
    /// </summary>
    private async Task FollowAsync(FileStream file, string path, long offset, CancellationToken ct)
    {
        if (!FileIdentity.TryGet(file.SafeFileHandle, out ulong inode, out long size)) return;
        if (size < offset) offset = 0; // truncated while the relay was stopped
        long position = offset;
        ResetLine();
        var buffer = ArrayPool<byte>.Shared.Rent(ReadChunk);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                file.Position = position;
                int n = await file.ReadAsync(buffer.AsMemory(0, ReadChunk), ct).ConfigureAwait(false);
                if (n > 0)
                {
                    await ConsumeAsync(buffer.AsMemory(0, n), position, inode, ct).ConfigureAwait(false);
                    position += n;
                    continue;
                }
                // At the end: has the file been truncated (copytruncate) or replaced (rename)?
                if (FileIdentity.TryGet(file.SafeFileHandle, out _, out long now) && now < position)
                {
                    Interlocked.Increment(ref Source.Truncations);
                    _logger.LogInformation("file {Path}: truncated (copytruncate), reading from the start", path);
                    position = 0;
                    ResetLine();
                    continue;
                }
                if (!FileIdentity.TryGet(path, out ulong current, out _) || current != inode)
                {
                    // Renamed away: whatever the writer added before it switched is read first.
                    await DrainAsync(file, position, inode, ct, alreadyConsumed: true).ConfigureAwait(false);
                    Interlocked.Increment(ref Source.Rotations);
                    _logger.LogInformation("file {Path}: rotated, following the new file", path);
                    return;
                }
                await Task.Delay(_poll, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads a file that is no longer written (rotated) to its end; a last line without LF is complete.</summary>
    private async Task DrainAsync(FileStream file, long position, ulong inode, CancellationToken ct, bool alreadyConsumed = false)
    {
        if (!alreadyConsumed) ResetLine();
        var buffer = ArrayPool<byte>.Shared.Rent(ReadChunk);
        try
        {
            // The writer may still append for a moment after the rename (it holds the old file open).
            var quiet = DateTime.UtcNow + _poll * 2;
            while (true)
            {
                file.Position = position;
                int n = await file.ReadAsync(buffer.AsMemory(0, ReadChunk), ct).ConfigureAwait(false);
                if (n > 0)
                {
                    await ConsumeAsync(buffer.AsMemory(0, n), position, inode, ct).ConfigureAwait(false);
                    position += n;
                    quiet = DateTime.UtcNow + _poll * 2;
                    continue;
                }
                if (DateTime.UtcNow >= quiet) break;
                await Task.Delay(_poll, ct).ConfigureAwait(false);
            }
            if (_lineLength > 0 || _lineCut) await PublishAsync(position, inode, ct).ConfigureAwait(false);
            ResetLine();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task ConsumeAsync(ReadOnlyMemory<byte> data, long position, ulong inode, CancellationToken ct)
    {
        int start = 0;
        while (start < data.Length)
        {
            int nl = data.Span[start..].IndexOf((byte)'\n');
            int end = nl < 0 ? data.Length : start + nl;
            Append(data.Span[start..end]);
            if (nl < 0) return;
            await PublishAsync(position + end + 1, inode, ct).ConfigureAwait(false);
            start = end + 1;
        }
    }

    private void Append(ReadOnlySpan<byte> part)
    {
        int room = _maxLine - _lineLength;
        if (part.Length > room)
        {
            _lineCut = true;
            part = part[..room];
        }
        part.CopyTo(_line.AsSpan(_lineLength));
        _lineLength += part.Length;
    }

    private async Task PublishAsync(long endOffset, ulong inode, CancellationToken ct)
    {
        int length = _lineLength;
        if (length > 0 && _line[length - 1] == '\r' && !_lineCut) length--;
        var counters = Source.Counters;
        Interlocked.Increment(ref counters.Messages);
        Interlocked.Add(ref counters.Bytes, length);
        if (_lineCut) Interlocked.Increment(ref counters.Truncated);
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));
        _line.AsSpan(0, length).CopyTo(rented);
        bool cut = _lineCut;
        ResetLine();
        // Files wait for room rather than drop: the line is still on disk, and losing it would break the no-loss promise.
        await _channel.WriteAsync(new LogMessage(rented, length, default, LogChannel.NowNs(), cut, Source, endOffset, inode), ct).ConfigureAwait(false);
    }

    private void ResetLine()
    {
        _lineLength = 0;
        _lineCut = false;
    }

    private async Task<FileStream?> OpenWhenPresentAsync(string path, CancellationToken ct)
    {
        bool warned = false;
        while (!ct.IsCancellationRequested)
        {
            var f = Open(path);
            if (f is not null) return f;
            if (!warned)
            {
                _logger.LogInformation("file {Path}: waiting for the file to appear", path);
                warned = true;
            }
            await Task.Delay(_poll, ct).ConfigureAwait(false);
        }
        return null;
    }

    private static FileStream? Open(string path)
    {
        try
        {
            // Delete sharing: logrotate (or the resolver) may rename or remove the file while it is open.
            return new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                Options = FileOptions.SequentialScan,
                BufferSize = 0,
            });
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            return null;
        }
    }
}
