namespace FlowRelay.Emit;

/// <summary>Counters of the NDJSON sink; written by the pipeline thread, read by stats (stale reads are fine).</summary>
public sealed class NdjsonSinkCounters
{
    public long Events;
    public long Bytes;
    /// <summary>Files closed complete (rotated or on stop).</summary>
    public long FilesWritten;
    /// <summary>Old files deleted to keep max_files.</summary>
    public long FilesDeleted;
    /// <summary>Write or rotation failures (disk full, permissions).</summary>
    public long WriteErrors;
    /// <summary>Events lost to write failures.</summary>
    public long EventsDropped;
}
