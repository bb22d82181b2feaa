using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace FlowRelay.Ingest.Files;

/// <summary>
/// Inode and size of a path or an open file, from Linux statx(2) (whose struct layout is the same
/// on every architecture, unlike stat's). The inode is how a rotated file is told from its
/// successor: logrotate's rename keeps it, the new file gets another.
/// </summary>
internal static class FileIdentity
{
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxIno = 0x100;
    private const uint StatxSize = 0x200;
    // struct statx: stx_ino at byte 32, stx_size at byte 40; 256 bytes in all.
    private const int InoOffset = 32;
    private const int SizeOffset = 40;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

    /// <summary>Inode and size of <paramref name="path"/> (symlinks followed); false when it does not exist.</summary>
    public static bool TryGet(string path, out ulong inode, out long size)
    {
        var buf = new byte[256];
        int rc = Statx(AtFdCwd, path, 0, StatxIno | StatxSize, buf);
        return Read(rc, buf, out inode, out size);
    }

    /// <summary>Inode and size of an open file (fstat: follows the file even after a rename).</summary>
    public static bool TryGet(SafeFileHandle handle, out ulong inode, out long size)
    {
        var buf = new byte[256];
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            int rc = Statx((int)handle.DangerousGetHandle(), "", AtEmptyPath, StatxIno | StatxSize, buf);
            return Read(rc, buf, out inode, out size);
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    private static bool Read(int rc, byte[] buf, out ulong inode, out long size)
    {
        inode = 0;
        size = 0;
        if (rc != 0) return false;
        inode = BitConverter.ToUInt64(buf, InoOffset);
        size = (long)BitConverter.ToUInt64(buf, SizeOffset);
        return true;
    }
}
