using FlowRelay.Spool;
using Microsoft.Extensions.Configuration;

namespace FlowRelay.Config;

/// <summary>The <c>spool</c> section: the disk log between the rules and the Elasticsearch sender.</summary>
public sealed class SpoolSettings
{
    /// <summary>Folder of the segment files; empty means &lt;data_dir&gt;/spool.</summary>
    [ConfigurationKeyName("path")]
    public string Path { get; set; } = "";

    /// <summary>Most disk the spool may use (all segments, delivered or not).</summary>
    [ConfigurationKeyName("max_size")]
    public ByteSize MaxSize { get; set; } = ByteSize.FromMiB(1024);

    /// <summary>Size of one segment file; a segment is deleted once everything in it is delivered.</summary>
    [ConfigurationKeyName("segment_size")]
    public ByteSize SegmentSize { get; set; } = ByteSize.FromMiB(64);

    /// <summary>
    /// drop_oldest (default): delete the oldest segment, counting its undelivered events as dropped, so the
    /// newest events and the alerts keep flowing; block: stop the pipeline until space is freed (the UDP
    /// receivers then drop new packets, counted there).
    /// </summary>
    [ConfigurationKeyName("when_full")]
    public string WhenFull { get; set; } = "drop_oldest";

    /// <summary>always (every batch), interval (default) or never.</summary>
    [ConfigurationKeyName("fsync")]
    public string Fsync { get; set; } = "interval";

    /// <summary>With fsync: interval, the longest a machine crash can take back.</summary>
    [ConfigurationKeyName("fsync_interval")]
    public Duration FsyncInterval { get; set; } = Duration.FromSeconds(1);

    /// <summary>
    /// always (default): every document is written to disk before it is sent, so a killed relay loses
    /// nothing it accepted. overflow: documents wait in memory (up to memory_size) while Elasticsearch
    /// keeps up, and go to disk only when it falls behind and at a graceful stop; a killed relay loses
    /// what memory held, and the relay spends less CPU per document (no write, read or CRC).
    /// </summary>
    [ConfigurationKeyName("mode")]
    public string Mode { get; set; } = "always";

    /// <summary>With mode: overflow, the most documents (in bytes) held in memory before the disk takes over.</summary>
    [ConfigurationKeyName("memory_size")]
    public ByteSize MemorySize { get; set; } = ByteSize.FromMiB(64);

    internal static readonly string[] FullPolicies = ["drop_oldest", "block"];
    internal static readonly string[] FsyncPolicies = ["always", "interval", "never"];
    internal static readonly string[] Modes = ["always", "overflow"];

    internal void Validate(string path, ValidationErrors errors)
    {
        errors.Range($"{path}.max_size", MaxSize, ByteSize.FromMiB(1), new ByteSize(1L << 44));
        errors.Range($"{path}.segment_size", SegmentSize, ByteSize.FromKiB(64), ByteSize.FromMiB(1024));
        if (SegmentSize.Bytes * 2 > MaxSize.Bytes)
            errors.Add($"{path}.segment_size", $"must be at most half of {path}.max_size ({MaxSize}) so deleting a segment frees room (got {SegmentSize})");
        if (!FullPolicies.Contains(WhenFull)) errors.Add($"{path}.when_full", $"must be one of {string.Join(", ", FullPolicies)} (got '{WhenFull}')");
        if (!FsyncPolicies.Contains(Fsync)) errors.Add($"{path}.fsync", $"must be one of {string.Join(", ", FsyncPolicies)} (got '{Fsync}')");
        errors.Range($"{path}.fsync_interval", FsyncInterval, Duration.FromMilliseconds(10), Duration.FromMinutes(10));
        if (!Modes.Contains(Mode)) errors.Add($"{path}.mode", $"must be one of {string.Join(", ", Modes)} (got '{Mode}')");
        errors.Range($"{path}.memory_size", MemorySize, ByteSize.FromMiB(1), ByteSize.FromGiB(64));
    }

    /// <summary>The options of <see cref="DiskSpool"/>.</summary>
    public SpoolOptions ToOptions() => new()
    {
        Path = Path,
        MaxBytes = MaxSize.Bytes,
        SegmentBytes = SegmentSize.Bytes,
        WhenFull = WhenFull == "block" ? SpoolFullPolicy.Block : SpoolFullPolicy.DropOldest,
        Fsync = Fsync switch { "always" => SpoolFsyncPolicy.Always, "never" => SpoolFsyncPolicy.Never, _ => SpoolFsyncPolicy.Interval },
        FsyncInterval = FsyncInterval.Value,
        Mode = Mode == "overflow" ? SpoolMode.Overflow : SpoolMode.Always,
        MemoryBytes = MemorySize.Bytes,
    };
}
