using FlowRelay.Engine.Counters;

namespace FlowRelay.Spool;

/// <summary>Counters of the disk spool (stats.json and /metrics section <c>spool</c>). Written under the spool's lock, read by stats without it (stale reads are fine).</summary>
public sealed class SpoolCounters : ICounterSource
{
    public string CounterSection => "spool";

    public IEnumerable<KeyValuePair<string, long>> ReadCounters() =>
    [
        new("entries_waiting", Volatile.Read(ref EntriesWaiting)),
        new("bytes_waiting", Volatile.Read(ref BytesWaiting)),
        new("entries_written", Volatile.Read(ref EntriesWritten)),
        new("bytes_written", Volatile.Read(ref BytesWritten)),
        new("entries_acknowledged", Volatile.Read(ref EntriesAcknowledged)),
        new("entries_dropped", Volatile.Read(ref EntriesDropped)),
        new("writer_blocked", Volatile.Read(ref WriterBlocked)),
        new("torn_entries_truncated", Volatile.Read(ref TornEntriesTruncated)),
        new("segments_recovered", Volatile.Read(ref SegmentsRecovered)),
        new("segments_deleted", Volatile.Read(ref SegmentsDeleted)),
        new("fsyncs", Volatile.Read(ref Fsyncs)),
        new("memory_entries", Volatile.Read(ref MemoryEntries)),
        new("memory_bytes_used", Volatile.Read(ref MemoryBytesUsed)),
        new("entries_kept_in_memory", Volatile.Read(ref EntriesKeptInMemory)),
        new("entries_spilled", Volatile.Read(ref EntriesSpilled)),
    ];

    /// <summary>Entries appended since start.</summary>
    public long EntriesWritten;
    public long BytesWritten;
    /// <summary>Entries the sender acknowledged (delivered, already present, or dead-lettered).</summary>
    public long EntriesAcknowledged;
    /// <summary>Entries not yet acknowledged, on disk (including those found at start) or in memory.</summary>
    public long EntriesWaiting;
    /// <summary>Bytes of segment files on disk not yet acknowledged.</summary>
    public long BytesWaiting;
    /// <summary>Unacknowledged entries deleted by the drop_oldest policy, or refused because larger than the spool.</summary>
    public long EntriesDropped;
    /// <summary>Times the writer had to wait for space under the block policy.</summary>
    public long WriterBlocked;
    /// <summary>Torn or corrupt entries cut off at the end of a segment during recovery (a crash mid-write).</summary>
    public long TornEntriesTruncated;
    /// <summary>Segments found at start (a restart or crash recovery).</summary>
    public long SegmentsRecovered;
    public long SegmentsDeleted;
    /// <summary>fsync rounds: one per commit (always), or per interval with something written (interval, on the spool's own thread).</summary>
    public long Fsyncs;
    /// <summary>Under spool mode overflow: committed entries held in memory, not acknowledged (part of <see cref="EntriesWaiting"/>).</summary>
    public long MemoryEntries;
    /// <summary>Bytes held by the memory front.</summary>
    public long MemoryBytesUsed;
    /// <summary>Entries that went to memory instead of disk (mode overflow).</summary>
    public long EntriesKeptInMemory;
    /// <summary>Entries written from memory to disk at a graceful stop.</summary>
    public long EntriesSpilled;
}
