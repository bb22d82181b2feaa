namespace FlowRelay.Spool;

/// <summary>What the spool does when appending would take it past <see cref="SpoolOptions.MaxBytes"/>.</summary>
public enum SpoolFullPolicy
{
    /// <summary>
    /// The writer (the pipeline thread) waits until the sender's acknowledgements free space. The
    /// pipeline stops reading the packet queue, the queue fills, and the UDP receivers drop new
    /// packets (counted by the receivers): back-pressure to the inputs, nothing already spooled is lost.
    /// </summary>
    Block,

    /// <summary>The oldest segment is deleted (its unacknowledged entries counted as dropped) to make room.</summary>
    DropOldest,
}

/// <summary>When appended entries are forced to stable storage with fsync.</summary>
public enum SpoolFsyncPolicy
{
    /// <summary>fsync at every commit (each pipeline batch): survives power loss, slowest.</summary>
    Always,

    /// <summary>
    /// fsync once per <see cref="SpoolOptions.FsyncInterval"/>, on the spool's own thread, what was
    /// written since the last time. Every commit still hands the bytes to the operating system, so a
    /// crash or SIGKILL of the relay loses nothing; a crash of the machine may lose what was written
    /// since the last fsync finished: about one interval, more when the disk writes slower than the
    /// documents arrive. The pipeline never waits for the disk.
    /// </summary>
    Interval,

    /// <summary>Never fsync explicitly; the OS writes back on its own schedule (a process crash still loses nothing).</summary>
    Never,
}

/// <summary>Where appended entries go first.</summary>
public enum SpoolMode
{
    /// <summary>Every entry is written to a segment file before the sender sees it (a killed relay loses nothing).</summary>
    Always,

    /// <summary>
    /// Entries are kept in memory (up to <see cref="SpoolOptions.MemoryBytes"/>) while the disk holds
    /// nothing undelivered, and go to the segment files only when the destination falls behind (the
    /// memory is full, or entries already wait on disk) and, at a graceful stop, all that memory still
    /// holds. A killed relay (SIGKILL, a crash) loses what memory held.
    /// </summary>
    Overflow,
}

/// <summary>Construction options of <see cref="DiskSpool"/> (bound from the <c>spool</c> settings).</summary>
public sealed class SpoolOptions
{
    public required string Path { get; init; }
    public long MaxBytes { get; init; } = 1L << 30;
    public long SegmentBytes { get; init; } = 64L << 20;
    public SpoolFullPolicy WhenFull { get; init; } = SpoolFullPolicy.DropOldest;
    public SpoolFsyncPolicy Fsync { get; init; } = SpoolFsyncPolicy.Interval;
    public TimeSpan FsyncInterval { get; init; } = TimeSpan.FromSeconds(1);
    public SpoolMode Mode { get; init; } = SpoolMode.Always;
    /// <summary>Under <see cref="SpoolMode.Overflow"/>: most bytes of entries held in memory.</summary>
    public long MemoryBytes { get; init; } = 64L << 20;
}
