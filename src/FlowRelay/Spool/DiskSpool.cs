using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Numerics;
using System.Text;
using Microsoft.Extensions.Logging;

namespace FlowRelay.Spool;

/// <summary>
/// An append-only, segmented log of serialized events on disk between the pipeline (one writer)
/// and a sender (one reader), so events survive a slow or absent destination and a restart or
/// crash of the relay.
/// <para>
/// Layout: files <c>&lt;seq:D12&gt;.seg</c>, each starting with the 8-byte magic <c>FRSPOOL1</c>,
/// then entries <c>[u32 LE payload length][u32 LE CRC-32C of payload][payload]</c>, the payload
/// being <c>[u8 n][target stream, n bytes ASCII][u8 m][_id, m bytes ASCII][document bytes]</c>.
/// <c>ack.pos</c> holds the committed read position (segment, offset, entry index), rewritten
/// (temp file + rename) after every acknowledgement by the sender; segments wholly before it are deleted.
/// </para>
/// <para>
/// Durability: <see cref="Commit"/> hands appended bytes to the OS (a killed process loses nothing
/// committed) and fsyncs by <see cref="SpoolFsyncPolicy"/>. The reader only sees committed entries.
/// After a crash, the last entry of a segment may be torn: recovery checks every entry's length and
/// CRC and truncates the segment at the first bad one (counted). Entries read but not yet
/// acknowledged when the relay stopped are read again after the restart: delivery is at least once,
/// and the deterministic <c>_id</c> stored with each entry makes the repeat harmless.
/// </para>
/// <para>
/// Under <see cref="SpoolMode.Overflow"/> an entry appended while the disk holds nothing undelivered
/// stays in memory (pages of <c>[u32 LE payload length][payload]</c>) and the reader takes it from
/// there: no write, read or CRC for the usual case of a destination that keeps up. The disk takes over
/// when the memory is full, and keeps taking every entry until what it holds is all acknowledged, so
/// whatever memory holds is always older than whatever the disk holds and the reader reads memory
/// first. Memory positions have segment <see cref="MemorySegment"/> and the entry's sequence number
/// as offset. <see cref="Dispose"/> writes what memory still holds (read or not, but unacknowledged)
/// to the segment files; a killed process loses it.
/// </para>
/// </summary>
public sealed class DiskSpool : IDisposable
{
    public const int SegmentHeaderSize = 8;
    public const int EntryHeaderSize = 8;
    private static readonly byte[] Magic = "FRSPOOL1"u8.ToArray();
    private const string AckFile = "ack.pos";
    private const string SegmentExtension = ".seg";
    /// <summary>The segment number of positions in the memory front (<see cref="SpoolMode.Overflow"/>).</summary>
    public const long MemorySegment = -1;
    private const int MemoryPageBytes = 1 << 20;
    private const int MemoryEntryHeader = 4;

    private readonly SpoolOptions _options;
    private readonly ILogger _logger;
    private readonly long _segmentBytes;
    private readonly object _gate = new();
    private readonly List<Segment> _segments = [];
    private readonly SemaphoreSlim _dataAvailable = new(0, 1);
    private byte[] _entryBuffer = new byte[64 * 1024];
    private FileStream? _writeFile;
    private long _writeLength;
    private int _pendingEntries;
    private long _pendingBytes;
    private FileStream? _readFile;
    private long _readFileSeq = -1;
    // Read-ahead: committed bytes of segment _raSeq from file offset _raStart, so the reader makes
    // one read per megabyte instead of two per entry.
    private byte[] _readAhead = new byte[1 << 20];
    private long _raSeq = -1;
    private long _raStart;
    private int _raLength;
    // Interval fsync, done by a thread of its own (FsyncLoop) so the pipeline never waits for the disk:
    // segments sealed since the last fsync, and whether the active one was written to since.
    private readonly List<string> _unsynced = [];
    private bool _activeUnsynced;
    private readonly Thread? _fsyncThread;
    private readonly ManualResetEventSlim _stopFsync = new(false);
    private SpoolPosition _read;
    private SpoolPosition _committed;
    private bool _unblocked;
    private bool _disposed;
    // ---- memory front (SpoolMode.Overflow) ----
    private readonly bool _memoryFirst;
    private readonly List<MemoryPage> _memPages = [];
    private readonly Stack<byte[]> _freePages = new();
    private long _memHead;        // sequence number of the oldest entry held (all before it acknowledged)
    private int _memHeadOffset;   // where it is in _memPages[0]
    private long _memVisible;     // sequence number after the last committed entry
    private long _memAppended;    // sequence number after the last appended entry
    private long _memRead;        // sequence number of the next entry to read
    private int _memReadPage;
    private int _memReadOffset;
    private long _memBytes;
    private long _diskWaiting;    // entries on disk not acknowledged (kept by UpdateWaiting)
    private bool _spilling;
    private int _pendingSpilled;

    public DiskSpool(SpoolOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        // A segment must be small enough that deleting one frees real room under the size limit.
        _segmentBytes = Math.Max(4096, Math.Min(options.SegmentBytes, options.MaxBytes / 4));
        _memoryFirst = options.Mode == SpoolMode.Overflow;
        Directory.CreateDirectory(options.Path);
        Recover();
        if (options.Fsync == SpoolFsyncPolicy.Interval)
        {
            _fsyncThread = new Thread(FsyncLoop) { IsBackground = true, Name = "flowrelay-spool-fsync" };
            _fsyncThread.Start();
        }
    }

    public SpoolCounters Counters { get; } = new();

    /// <summary>Folder of the segment files.</summary>
    public string Path => _options.Path;

    /// <summary>The committed (acknowledged) read position.</summary>
    public SpoolPosition Committed
    {
        get { lock (_gate) return _committed; }
    }

    /// <summary>Bytes of all segment files, acknowledged or not, including appended but uncommitted bytes.</summary>
    public long BytesOnDisk
    {
        get { lock (_gate) return TotalBytes(); }
    }

    /// <summary>
    /// Appends one entry (visible to the reader after <see cref="Commit"/>). Returns false when it was
    /// dropped (larger than the whole spool, or the spool is disposed). Under <see cref="SpoolFullPolicy.Block"/>
    /// this waits for acknowledgements when the spool is full.
    /// </summary>
    public bool Append(string stream, ReadOnlySpan<byte> id, ReadOnlySpan<byte> document)
    {
        int payload = 2 + stream.Length + id.Length + document.Length;
        int size = EntryHeaderSize + payload;
        if (stream.Length > 255 || id.Length > 255) throw new ArgumentException("stream and id must be at most 255 bytes");
        lock (_gate)
        {
            if (_disposed) return false;
            if (_memoryFirst && !_spilling && _pendingEntries == 0 && _diskWaiting == 0 && _memBytes + MemoryEntryHeader + payload <= _options.MemoryBytes)
            {
                Encode(MemoryReserve(payload), stream, id, document);
                return true;
            }
            if (!PrepareDiskEntry(size)) return false;
            Encode(_entryBuffer.AsSpan(EntryHeaderSize, payload), stream, id, document);
            WriteDiskEntry(payload);
            return true;
        }
    }

    private static void Encode(Span<byte> p, string stream, ReadOnlySpan<byte> id, ReadOnlySpan<byte> document)
    {
        p[0] = (byte)stream.Length;
        Encoding.ASCII.GetBytes(stream, p.Slice(1, stream.Length));
        p[1 + stream.Length] = (byte)id.Length;
        id.CopyTo(p[(2 + stream.Length)..]);
        document.CopyTo(p[(2 + stream.Length + id.Length)..]);
    }

    /// <summary>Makes room on disk for an entry of <paramref name="size"/> bytes and sizes the entry buffer; false when it can never fit (counted).</summary>
    private bool PrepareDiskEntry(int size)
    {
        if (size > _options.MaxBytes - SegmentHeaderSize * 2)
        {
            Counters.EntriesDropped++;
            return false;
        }
        if (_writeLength + size > _segmentBytes && _writeLength > SegmentHeaderSize) Rotate();
        // Under the block policy this may wait (releasing the lock), so the entry buffer is filled after it.
        MakeRoom(size);
        if (_entryBuffer.Length < size) _entryBuffer = new byte[Math.Max(size, _entryBuffer.Length * 2)];
        return true;
    }

    /// <summary>Writes the entry whose payload is in the entry buffer, with its length and CRC.</summary>
    private void WriteDiskEntry(int payload)
    {
        int size = EntryHeaderSize + payload;
        var e = _entryBuffer.AsSpan(0, size);
        BinaryPrimitives.WriteUInt32LittleEndian(e, (uint)payload);
        BinaryPrimitives.WriteUInt32LittleEndian(e[4..], Crc32C(e[EntryHeaderSize..]));
        _writeFile!.Write(e);
        _writeLength += size;
        _pendingEntries++;
        _pendingBytes += size;
    }

    /// <summary>
    /// Hands appended entries to the OS, fsyncs according to the policy, and makes them visible to the reader.
    /// </summary>
    public void Commit()
    {
        lock (_gate)
        {
            if (_disposed) return;
            bool memory = _memAppended > _memVisible;
            bool disk = _writeFile is not null && _pendingEntries > 0;
            if (!memory && !disk) return;
            if (memory)
            {
                Counters.EntriesWritten += _memAppended - _memVisible;
                Counters.EntriesKeptInMemory += _memAppended - _memVisible;
                _memVisible = _memAppended;
                UpdateWaiting();
            }
            if (disk)
            {
                // Under the interval policy the fsync is FsyncLoop's, not the pipeline's: fsyncing here
                // held the pipeline (and the sender, waiting for the lock) for as long as the disk took
                // to write a second of input, which at a few hundred thousand documents a second was
                // most of that second.
                bool fsync = _options.Fsync == SpoolFsyncPolicy.Always;
                _writeFile!.Flush(flushToDisk: fsync);
                if (fsync) Counters.Fsyncs++;
                else _activeUnsynced = true;
                Publish();
            }
        }
        if (_dataAvailable.CurrentCount == 0)
        {
            try
            {
                _dataAvailable.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    /// <summary>True when committed entries wait beyond the read cursor.</summary>
    public bool HasUnread
    {
        get
        {
            lock (_gate) return UnreadExists();
        }
    }

    /// <summary>Waits until committed entries wait beyond the read cursor (or <paramref name="timeout"/> passes).</summary>
    public async Task WaitForDataAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (HasUnread) return;
        await _dataAvailable.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads up to <paramref name="maxEntries"/> committed entries (and about <paramref name="maxBytes"/>)
    /// from the read cursor into <paramref name="batch"/> and advances the cursor. Returns the count read.
    /// </summary>
    public int Read(SpoolBatch batch, int maxEntries, int maxBytes)
    {
        batch.Clear();
        lock (_gate)
        {
            if (_disposed) return 0;
            // Memory holds only entries older than any on disk: read it first, and a batch from one place only.
            if (_memRead < _memVisible) return ReadMemory(batch, maxEntries, maxBytes);
            batch.Start = _read;
            while (batch.Count < maxEntries && batch.Bytes < maxBytes)
            {
                int index = FindSegment(_read.Segment);
                if (index < 0)
                {
                    // The segment was dropped under us (drop_oldest): continue at the oldest there is.
                    if (_segments.Count == 0) break;
                    _read = new SpoolPosition(_segments[0].Seq, SegmentHeaderSize, 0);
                    continue;
                }
                var seg = _segments[index];
                if (_read.Offset >= seg.Length)
                {
                    if (seg.Sealed && index + 1 < _segments.Count)
                    {
                        _read = new SpoolPosition(_segments[index + 1].Seq, SegmentHeaderSize, 0);
                        continue;
                    }
                    break;
                }
                if (!ReadEntry(seg, batch))
                {
                    // Corrupt in the middle (bit rot): nothing after it in this segment can be trusted.
                    _logger.LogError("spool: corrupt entry in {Segment} at offset {Offset}; skipping the rest of the segment", seg.Path, _read.Offset);
                    Counters.EntriesDropped += Math.Max(0, seg.Entries - _read.Entry);
                    _read = new SpoolPosition(seg.Seq, seg.Length, seg.Entries);
                }
            }
            batch.End = _read;
            return batch.Count;
        }
    }

    /// <summary>Moves the read cursor back to the committed position (the sender lost what it had read).</summary>
    public void Rewind()
    {
        lock (_gate)
        {
            _read = _committed;
            RewindMemory();
        }
    }

    /// <summary>
    /// Records that every entry up to <paramref name="upTo"/> (a batch's <see cref="SpoolBatch.End"/>)
    /// was delivered or finally dealt with: persists the position and deletes fully acknowledged segments.
    /// </summary>
    public void Acknowledge(SpoolPosition upTo, int entries)
    {
        lock (_gate)
        {
            if (_disposed) return;
            Counters.EntriesAcknowledged += entries;
            if (upTo.Segment == MemorySegment)
            {
                AcknowledgeMemory(upTo.Offset);
                return;
            }
            if (upTo.CompareTo(_committed) <= 0) return;
            _committed = upTo;
            while (_segments.Count > 0)
            {
                var first = _segments[0];
                bool before = first.Seq < _committed.Segment;
                bool fullyRead = first.Seq == _committed.Segment && first.Sealed && _committed.Offset >= first.Length && _segments.Count > 1;
                if (!before && !fullyRead) break;
                if (fullyRead) _committed = new SpoolPosition(_segments[1].Seq, SegmentHeaderSize, 0);
                // Persist the position before deleting, so a crash in between never points into a missing segment's predecessor.
                WriteAckFile();
                DeleteSegment(0, countDropped: false);
            }
            if (_segments.Count > 0 && _committed.Segment < _segments[0].Seq) _committed = new SpoolPosition(_segments[0].Seq, SegmentHeaderSize, 0);
            if (_read.CompareTo(_committed) < 0) _read = _committed;
            WriteAckFile();
            UpdateWaiting();
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Lets a writer blocked by the block policy append past the limit (used when stopping, so shutdown never hangs).</summary>
    public void ReleaseBlockedWriters()
    {
        lock (_gate)
        {
            _unblocked = true;
            Monitor.PulseAll(_gate);
        }
    }

    public void Dispose()
    {
        _stopFsync.Set();
        lock (_gate)
        {
            if (_disposed) return;
            SpillMemory();
            try
            {
                if (_writeFile is not null)
                {
                    _writeFile.Flush(flushToDisk: _options.Fsync != SpoolFsyncPolicy.Never);
                    Publish();
                    _writeFile.Dispose();
                }
            }
            catch (IOException e)
            {
                _logger.LogError("spool: cannot flush {Path}: {Error}", _options.Path, e.Message);
            }
            _writeFile = null;
            _readFile?.Dispose();
            _readFile = null;
            _raSeq = -1;
            _disposed = true;
            Monitor.PulseAll(_gate);
        }
        // The final fsync above covered the active segment; one sealed under the interval policy
        // and not yet synced is synced by the thread's last round.
        _fsyncThread?.Join();
    }

    // ---- interval fsync ----

    private void FsyncLoop()
    {
        while (!_stopFsync.Wait(_options.FsyncInterval)) SyncWritten();
        SyncWritten();
    }

    /// <summary>fsyncs the segments written since the last round: those sealed since, and the active one.</summary>
    internal void SyncWritten()
    {
        string[] paths;
        lock (_gate)
        {
            if (_activeUnsynced && _writeFile is not null && _segments.Count > 0) _unsynced.Add(_segments[^1].Path);
            _activeUnsynced = false;
            if (_unsynced.Count == 0) return;
            paths = [.. _unsynced];
            _unsynced.Clear();
        }
        foreach (var path in paths)
        {
            try
            {
                // fsync through a handle of our own: it writes the file's dirty pages whoever wrote them,
                // and the writer's handle may be closed by a rotation meanwhile.
                using var f = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1);
                f.Flush(flushToDisk: true);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                // Delivered and deleted meanwhile: nothing left to keep.
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _logger.LogError("spool: cannot fsync {Path}: {Error}", path, e.Message);
            }
        }
        Interlocked.Increment(ref Counters.Fsyncs);
    }

    // ---- writer side ----

    private void MakeRoom(int size)
    {
        bool warned = false;
        while (TotalBytes() + size > _options.MaxBytes)
        {
            if (_options.WhenFull == SpoolFullPolicy.DropOldest)
            {
                if (_segments.Count <= 1)
                {
                    if (_writeLength <= SegmentHeaderSize) return; // nothing to drop; the size check above guarantees it fits
                    Rotate();
                    continue;
                }
                int dropped = UnackedEntries(0);
                if (dropped > 0 && Counters.EntriesDropped == 0 || (Counters.EntriesDropped + dropped) / 100_000 > Counters.EntriesDropped / 100_000)
                    _logger.LogError("spool: FULL ({Max} bytes): dropping the oldest segment with {Entries} undelivered entries (policy drop_oldest)", _options.MaxBytes, dropped);
                DeleteSegment(0, countDropped: true);
                continue;
            }
            if (_unblocked || _disposed || _spilling) return;
            if (!warned)
            {
                warned = true;
                Counters.WriterBlocked++;
                if (Counters.WriterBlocked == 1 || Counters.WriterBlocked % 100 == 0)
                    _logger.LogError("spool: FULL ({Max} bytes): inputs wait for the destination to catch up (policy block)", _options.MaxBytes);
                // All but the active segment can be deleted once acknowledged; make the active one deletable too.
                if (_writeLength > SegmentHeaderSize)
                {
                    _writeFile!.Flush();
                    Publish();
                    Rotate();
                }
            }
            Monitor.Wait(_gate, 1000);
        }
    }

    private void Publish()
    {
        var active = _segments[^1];
        active.Length = _writeLength;
        active.Entries += _pendingEntries;
        // Entries spilled from memory were counted as written when they went into memory.
        Counters.EntriesWritten += _pendingEntries - _pendingSpilled;
        _pendingSpilled = 0;
        Counters.BytesWritten += _pendingBytes;
        _pendingEntries = 0;
        _pendingBytes = 0;
        UpdateWaiting();
    }

    private void Rotate()
    {
        if (_writeFile is not null)
        {
            // A sealed segment is synced at once under the always policy, by the next round of
            // FsyncLoop under the interval policy.
            bool fsync = _options.Fsync == SpoolFsyncPolicy.Always;
            _writeFile.Flush(flushToDisk: fsync);
            if (fsync) Counters.Fsyncs++;
            else if (_options.Fsync == SpoolFsyncPolicy.Interval) _unsynced.Add(_segments[^1].Path);
            _activeUnsynced = false;
            Publish();
            _writeFile.Dispose();
            _segments[^1].Sealed = true;
        }
        long seq = _segments.Count == 0 ? NextSeqAfterFiles() : _segments[^1].Seq + 1;
        string path = System.IO.Path.Combine(_options.Path, seq.ToString("D12", CultureInfo.InvariantCulture) + SegmentExtension);
        _writeFile = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
        _writeFile.Write(Magic);
        _writeFile.Flush();
        _writeLength = SegmentHeaderSize;
        _segments.Add(new Segment(seq, path) { Length = SegmentHeaderSize });
        if (_segments.Count == 1)
        {
            _committed = new SpoolPosition(seq, SegmentHeaderSize, 0);
            _read = _committed;
            WriteAckFile();
        }
    }

    private long NextSeqAfterFiles()
    {
        long max = 0;
        foreach (var (seq, _) in ListSegmentFiles()) max = Math.Max(max, seq);
        return max + 1;
    }

    private long TotalBytes()
    {
        long total = 0;
        for (int i = 0; i < _segments.Count - 1; i++) total += _segments[i].Length;
        return total + (_segments.Count > 0 ? _writeLength : 0);
    }

    private int UnackedEntries(int index)
    {
        var seg = _segments[index];
        return seg.Seq == _committed.Segment ? Math.Max(0, seg.Entries - _committed.Entry) : seg.Seq > _committed.Segment ? seg.Entries : 0;
    }

    private void DeleteSegment(int index, bool countDropped)
    {
        var seg = _segments[index];
        if (countDropped) Counters.EntriesDropped += UnackedEntries(index);
        _segments.RemoveAt(index);
        if (_readFileSeq == seg.Seq)
        {
            _readFile?.Dispose();
            _readFile = null;
            _readFileSeq = -1;
        }
        if (_raSeq == seg.Seq) _raSeq = -1;
        try
        {
            File.Delete(seg.Path);
            Counters.SegmentsDeleted++;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogError("spool: cannot delete {Path}: {Error}", seg.Path, e.Message);
        }
        if (_segments.Count == 0) return;
        var oldest = new SpoolPosition(_segments[0].Seq, SegmentHeaderSize, 0);
        if (_committed.CompareTo(oldest) < 0)
        {
            _committed = oldest;
            WriteAckFile();
        }
        if (_read.CompareTo(oldest) < 0) _read = oldest;
        UpdateWaiting();
    }

    private void UpdateWaiting()
    {
        long entries = 0, bytes = 0;
        foreach (var s in _segments)
        {
            entries += s.Entries;
            bytes += s.Length;
        }
        if (_segments.Count > 0 && _segments[0].Seq == _committed.Segment)
        {
            entries -= _committed.Entry;
            bytes -= _committed.Offset;
        }
        _diskWaiting = Math.Max(0, entries);
        Counters.EntriesWaiting = _diskWaiting + (_memVisible - _memHead);
        Counters.BytesWaiting = Math.Max(0, bytes);
        Counters.MemoryEntries = _memVisible - _memHead;
        Counters.MemoryBytesUsed = _memBytes;
    }

    // ---- reader side ----

    private bool UnreadExists()
    {
        if (_memRead < _memVisible) return true;
        int index = FindSegment(_read.Segment);
        if (index < 0) return _segments.Count > 0 && _segments.Any(s => s.Entries > 0);
        if (_read.Offset < _segments[index].Length) return true;
        for (int i = index + 1; i < _segments.Count; i++)
        {
            if (_segments[i].Length > SegmentHeaderSize) return true;
        }
        return false;
    }

    private int FindSegment(long seq)
    {
        for (int i = 0; i < _segments.Count; i++)
        {
            if (_segments[i].Seq == seq) return i;
        }
        return -1;
    }

    private bool ReadEntry(Segment seg, SpoolBatch batch)
    {
        if (seg.Length - _read.Offset < EntryHeaderSize) return false;
        var header = Buffered(seg, _read.Offset, EntryHeaderSize);
        if (header.IsEmpty) return false;
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (length < 2 || length > seg.Length - _read.Offset - EntryHeaderSize) return false;
        var bytes = Buffered(seg, _read.Offset + EntryHeaderSize, (int)length);
        if (bytes.IsEmpty) return false;
        var payload = batch.Reserve((int)length);
        bytes.CopyTo(payload);
        if (Crc32C(payload) != crc || !batch.Commit((int)length))
        {
            batch.Unreserve();
            return false;
        }
        _read = new SpoolPosition(seg.Seq, _read.Offset + EntryHeaderSize + length, _read.Entry + 1);
        return true;
    }

    /// <summary>
    /// Bytes [offset, offset + count) of <paramref name="seg"/>, all inside its committed length, from
    /// the read-ahead buffer; refilled with one read from <paramref name="offset"/> up to a megabyte (or
    /// the committed end) when they are not in it. Committed bytes never change, so what the buffer holds
    /// stays true. Empty when the file is shorter than its committed length (it was cut behind our back).
    /// </summary>
    private ReadOnlySpan<byte> Buffered(Segment seg, long offset, int count)
    {
        if (_raSeq != seg.Seq || offset < _raStart || offset + count > _raStart + _raLength)
        {
            if (_readFileSeq != seg.Seq)
            {
                _readFile?.Dispose();
                _readFile = new FileStream(seg.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
                _readFileSeq = seg.Seq;
            }
            if (_readAhead.Length < count) _readAhead = new byte[(int)BitOperations.RoundUpToPowerOf2((uint)count)];
            int want = (int)Math.Min(_readAhead.Length, seg.Length - offset);
            int got = 0;
            while (got < want)
            {
                int n = RandomAccess.Read(_readFile!.SafeFileHandle, _readAhead.AsSpan(got, want - got), offset + got);
                if (n == 0) break;
                got += n;
            }
            _raSeq = seg.Seq;
            _raStart = offset;
            _raLength = got;
            if (got < count) return default;
        }
        return _readAhead.AsSpan((int)(offset - _raStart), count);
    }

    // ---- memory front ----

    /// <summary>Room for one entry of <paramref name="payload"/> bytes at the end of the memory front; its payload span.</summary>
    private Span<byte> MemoryReserve(int payload)
    {
        int need = MemoryEntryHeader + payload;
        if (_memPages.Count == 0 || _memPages[^1].Buffer.Length - _memPages[^1].Used < need)
        {
            var buffer = need <= MemoryPageBytes && _freePages.Count > 0 ? _freePages.Pop() : new byte[Math.Max(MemoryPageBytes, need)];
            _memPages.Add(new MemoryPage(buffer) { FirstSeq = _memAppended });
        }
        var page = _memPages[^1];
        var span = page.Buffer.AsSpan(page.Used, need);
        BinaryPrimitives.WriteInt32LittleEndian(span, payload);
        page.Used += need;
        page.Entries++;
        _memAppended++;
        _memBytes += need;
        return span[MemoryEntryHeader..];
    }

    private int ReadMemory(SpoolBatch batch, int maxEntries, int maxBytes)
    {
        batch.Start = new SpoolPosition(MemorySegment, _memRead, 0);
        while (batch.Count < maxEntries && batch.Bytes < maxBytes && _memRead < _memVisible)
        {
            var page = _memPages[_memReadPage];
            if (_memReadOffset >= page.Used)
            {
                // An entry is left (_memRead < _memVisible), so a next page exists.
                _memReadPage++;
                _memReadOffset = 0;
                continue;
            }
            int length = BinaryPrimitives.ReadInt32LittleEndian(page.Buffer.AsSpan(_memReadOffset));
            page.Buffer.AsSpan(_memReadOffset + MemoryEntryHeader, length).CopyTo(batch.Reserve(length));
            // Encoded by Append a moment ago: it parses.
            batch.Commit(length);
            _memReadOffset += MemoryEntryHeader + length;
            _memRead++;
        }
        batch.End = new SpoolPosition(MemorySegment, _memRead, 0);
        return batch.Count;
    }

    /// <summary>Lets go of the memory entries before sequence number <paramref name="upTo"/>.</summary>
    private void AcknowledgeMemory(long upTo)
    {
        upTo = Math.Min(upTo, _memVisible);
        if (upTo <= _memHead) return;
        while (_memHead < upTo)
        {
            var page = _memPages[0];
            long pageEnd = page.FirstSeq + page.Entries;
            if (pageEnd <= upTo && (_memPages.Count > 1 || pageEnd == _memAppended))
            {
                // The whole rest of the page: no need to walk its entries.
                _memBytes -= page.Used - _memHeadOffset;
                _memHead = pageEnd;
                DropHeadPage();
                continue;
            }
            int need = MemoryEntryHeader + BinaryPrimitives.ReadInt32LittleEndian(page.Buffer.AsSpan(_memHeadOffset));
            _memHeadOffset += need;
            _memBytes -= need;
            _memHead++;
            if (_memHeadOffset >= page.Used) DropHeadPage();
        }
        // Acknowledged past the reader (not something the sender does): read on from the head.
        if (_memRead < _memHead) RewindMemory();
        UpdateWaiting();
    }

    /// <summary>The memory reader back to the oldest entry held (the head).</summary>
    private void RewindMemory()
    {
        _memRead = _memHead;
        _memReadPage = 0;
        _memReadOffset = _memHeadOffset;
    }

    /// <summary>Page 0 is wholly acknowledged: recycle it (or empty it, when it is the page being appended to).</summary>
    private void DropHeadPage()
    {
        var page = _memPages[0];
        _memHeadOffset = 0;
        if (_memPages.Count == 1)
        {
            // Everything appended is acknowledged: start the page again.
            page.Used = 0;
            page.Entries = 0;
            page.FirstSeq = _memAppended;
            _memReadPage = 0;
            _memReadOffset = 0;
            return;
        }
        _memPages.RemoveAt(0);
        // Kept for reuse, all of them: never more than memory_size in all, and a page given back to the
        // collector is a large object it frees only in a full collection (at 350,000 documents a second
        // that churn took the working set from 387 to 513 MB).
        if (page.Buffer.Length == MemoryPageBytes) _freePages.Push(page.Buffer);
        // The reader is at or after the head: on the dropped page only at its end, which is where the next page begins.
        if (_memReadPage == 0) _memReadOffset = 0;
        else _memReadPage--;
    }

    /// <summary>At a graceful stop: every entry memory still holds (read or not, unacknowledged) to the segment files.</summary>
    private void SpillMemory()
    {
        if (_memHead == _memAppended || _writeFile is null) return;
        _spilling = true;
        int page = 0, offset = _memHeadOffset, spilled = 0;
        for (long seq = _memHead; seq < _memAppended; seq++)
        {
            while (offset >= _memPages[page].Used)
            {
                page++;
                offset = 0;
            }
            var buffer = _memPages[page].Buffer;
            int payload = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(offset));
            offset += MemoryEntryHeader;
            if (PrepareDiskEntry(EntryHeaderSize + payload))
            {
                buffer.AsSpan(offset, payload).CopyTo(_entryBuffer.AsSpan(EntryHeaderSize));
                WriteDiskEntry(payload);
                spilled++;
            }
            offset += payload;
        }
        // Appended but never committed: count them as written now, like the rest.
        Counters.EntriesWritten += _memAppended - _memVisible;
        Counters.EntriesSpilled += spilled;
        _pendingSpilled = spilled;
        _memPages.Clear();
        _freePages.Clear();
        _memHead = _memVisible = _memAppended;
        _memHeadOffset = 0;
        RewindMemory();
        _memBytes = 0;
        if (spilled > 0) _logger.LogInformation("spool: wrote {Count} entries held in memory to {Path} for the next start", spilled, _options.Path);
    }

    private sealed class MemoryPage(byte[] buffer)
    {
        public byte[] Buffer { get; } = buffer;
        public int Used { get; set; }
        /// <summary>Sequence number of the page's first entry, and how many it holds.</summary>
        public long FirstSeq { get; set; }
        public int Entries { get; set; }
    }

    // ---- recovery ----

    private IEnumerable<(long Seq, string Path)> ListSegmentFiles()
    {
        foreach (var path in Directory.GetFiles(_options.Path, "*" + SegmentExtension))
        {
            if (long.TryParse(System.IO.Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out long seq))
                yield return (seq, path);
        }
    }

    private void Recover()
    {
        var files = ListSegmentFiles().OrderBy(x => x.Seq).ToList();
        foreach (var (seq, path) in files)
        {
            var seg = new Segment(seq, path) { Sealed = true };
            if (!ScanSegment(seg))
            {
                TryDelete(path);
                continue;
            }
            _segments.Add(seg);
            Counters.SegmentsRecovered++;
        }

        var ack = ReadAckFile();
        _committed = _segments.Count > 0 ? new SpoolPosition(_segments[0].Seq, SegmentHeaderSize, 0) : default;
        if (ack is { } a && _segments.Count > 0)
        {
            int index = _segments.FindIndex(s => s.Seq >= a.Segment);
            if (index < 0)
            {
                // Everything was acknowledged and deleted except files that are somehow older.
                while (_segments.Count > 0) DeleteSegment(0, countDropped: false);
            }
            else
            {
                var seg = _segments[index];
                _committed = seg.Seq == a.Segment && a.Offset <= seg.Length && a.Entry <= seg.Entries
                    ? a
                    : new SpoolPosition(seg.Seq, SegmentHeaderSize, 0);
                for (int i = 0; i < index; i++) DeleteSegment(0, countDropped: false);
            }
        }
        _read = _committed;
        long waiting = _segments.Sum(s => (long)s.Entries) - (_segments.Count > 0 ? _committed.Entry : 0);
        if (_segments.Count > 0)
            _logger.LogInformation("spool: {Count} segments with {Entries} undelivered entries found in {Path}; resuming", _segments.Count, waiting, _options.Path);
        // Always write into a fresh segment: recovered ones are sealed as they are.
        Rotate();
        UpdateWaiting();
    }

    /// <summary>Validates every entry of a recovered segment; truncates a torn or corrupt tail. False when the file is unusable.</summary>
    private bool ScanSegment(Segment seg)
    {
        try
        {
            using var f = new FileStream(seg.Path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
            Span<byte> magic = stackalloc byte[SegmentHeaderSize];
            if (f.Length < SegmentHeaderSize || f.Read(magic) != SegmentHeaderSize || !magic.SequenceEqual(Magic))
            {
                if (f.Length > 0) Counters.TornEntriesTruncated++;
                return false;
            }
            long offset = SegmentHeaderSize;
            int entries = 0;
            Span<byte> header = stackalloc byte[EntryHeaderSize];
            byte[] payload = new byte[64 * 1024];
            long length = f.Length;
            while (offset < length)
            {
                bool ok = length - offset >= EntryHeaderSize;
                uint size = 0;
                if (ok)
                {
                    f.ReadExactly(header);
                    size = BinaryPrimitives.ReadUInt32LittleEndian(header);
                    ok = size >= 2 && size <= length - offset - EntryHeaderSize;
                }
                if (ok)
                {
                    if (payload.Length < size) payload = new byte[size];
                    f.ReadExactly(payload, 0, (int)size);
                    ok = Crc32C(payload.AsSpan(0, (int)size)) == BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
                }
                if (!ok)
                {
                    Counters.TornEntriesTruncated++;
                    _logger.LogWarning("spool: {Path}: torn or corrupt entry at offset {Offset} (crash while writing); truncating {Bytes} bytes",
                        seg.Path, offset, length - offset);
                    f.SetLength(offset);
                    f.Flush(flushToDisk: true);
                    break;
                }
                offset += EntryHeaderSize + size;
                entries++;
            }
            seg.Length = offset;
            seg.Entries = entries;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogError("spool: cannot read {Path}: {Error}; skipping it", seg.Path, e.Message);
            return false;
        }
    }

    private void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogError("spool: cannot delete {Path}: {Error}", path, e.Message);
        }
    }

    private SpoolPosition? ReadAckFile()
    {
        try
        {
            string path = System.IO.Path.Combine(_options.Path, AckFile);
            if (!File.Exists(path)) return null;
            var parts = File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length == 5 && parts[0] == "v1"
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long seq)
                && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out long offset)
                && int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out int entry)
                && uint.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out uint check)
                && check == AckCheck(seq, offset, entry))
                return new SpoolPosition(seq, offset, entry);
            _logger.LogWarning("spool: {Path} is damaged; resending from the oldest segment (duplicates are harmless: ids are deterministic)", path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("spool: cannot read the acknowledged position: {Error}", e.Message);
        }
        return null;
    }

    private void WriteAckFile()
    {
        string path = System.IO.Path.Combine(_options.Path, AckFile);
        string tmp = path + ".tmp";
        var c = _committed;
        string text = string.Create(CultureInfo.InvariantCulture, $"v1 {c.Segment} {c.Offset} {c.Entry} {AckCheck(c.Segment, c.Offset, c.Entry)}\n");
        try
        {
            using (var f = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1))
            {
                f.Write(Encoding.ASCII.GetBytes(text));
                if (_options.Fsync == SpoolFsyncPolicy.Always) f.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Losing the position only means resending (harmless by _id), never losing events.
            _logger.LogError("spool: cannot save the acknowledged position: {Error}", e.Message);
        }
    }

    private static uint AckCheck(long seq, long offset, int entry)
    {
        Span<byte> b = stackalloc byte[20];
        BinaryPrimitives.WriteInt64LittleEndian(b, seq);
        BinaryPrimitives.WriteInt64LittleEndian(b[8..], offset);
        BinaryPrimitives.WriteInt32LittleEndian(b[16..], entry);
        return Crc32C(b);
    }

    /// <summary>
    /// CRC-32C (Castagnoli). System.IO.Hashing folds with carry-less multiplies (83 ns for a 1,100-byte
    /// entry on the build machine, against 140 ns for the one-chain crc32 instruction loop it replaced).
    /// </summary>
    public static uint Crc32C(ReadOnlySpan<byte> data) => Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, data);

    private sealed class Segment(long seq, string path)
    {
        public long Seq { get; } = seq;
        public string Path { get; } = path;
        /// <summary>Committed (reader-visible) length in bytes.</summary>
        public long Length { get; set; }
        /// <summary>Committed entries.</summary>
        public int Entries { get; set; }
        public bool Sealed { get; set; }
    }
}

/// <summary>A position in the spool: segment sequence number, byte offset in it, and entry index in it.</summary>
public readonly record struct SpoolPosition(long Segment, long Offset, int Entry) : IComparable<SpoolPosition>
{
    public int CompareTo(SpoolPosition other) => Segment != other.Segment ? Segment.CompareTo(other.Segment) : Offset.CompareTo(other.Offset);
}
