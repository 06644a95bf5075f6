using System.Runtime.InteropServices;

namespace StacPkg.Core.IO;

/// <summary>
/// Renames a file or folder only if nothing has the new name, as one step of the file system: a
/// check followed by a rename would let a folder that appears in between be replaced (Linux
/// rename(2) replaces an empty folder) or land inside the moved one.
/// </summary>
internal static class AtomicRename
{
    private const int AtFdCwd = -100;
    private const uint LinuxRenameNoReplace = 1;
    private const uint MacRenameExcl = 0x4;
    private const int EExist = 17; // the same number on Linux and macOS
    private const int LinuxEInval = 22;
    private const int LinuxENoSys = 38;
    private const int LinuxENotSup = 95;

    /// <summary>Moves <paramref name="source"/> to <paramref name="target"/>; false, with nothing moved, when something is named <paramref name="target"/>.</summary>
    /// <exception cref="IOException">The rename failed for another reason (source missing, another file system, no permission).</exception>
    public static bool TryMove(string source, string target)
    {
        if (OperatingSystem.IsLinux())
        {
            if (renameat2(AtFdCwd, source, AtFdCwd, target, LinuxRenameNoReplace) == 0)
            {
                return true;
            }
            var errno = Marshal.GetLastPInvokeError();
            if (errno == EExist)
            {
                return false;
            }
            // A file system without RENAME_NOREPLACE (some network mounts): the best left is check, then move.
            if (errno is LinuxEInval or LinuxENoSys or LinuxENotSup)
            {
                return MoveIfAbsent(source, target);
            }
            throw Failed(source, target, errno);
        }
        if (OperatingSystem.IsMacOS())
        {
            if (renamex_np(source, target, MacRenameExcl) == 0)
            {
                return true;
            }
            var errno = Marshal.GetLastPInvokeError();
            return errno == EExist ? false : throw Failed(source, target, errno);
        }
        // Windows: MoveFileEx without MOVEFILE_REPLACE_EXISTING, which Directory.Move and File.Move
        // (without overwrite) use, fails when the target exists.
        return MoveIfAbsent(source, target);
    }

    private static bool MoveIfAbsent(string source, string target)
    {
        if (Path.Exists(target))
        {
            return false;
        }
        try
        {
            if (Directory.Exists(source))
            {
                Directory.Move(source, target);
            }
            else
            {
                File.Move(source, target);
            }
            return true;
        }
        catch (IOException) when (Path.Exists(target) && Path.Exists(source))
        {
            return false;
        }
    }

    private static IOException Failed(string source, string target, int errno) =>
        new($"cannot rename '{source}' to '{target}': {Marshal.GetPInvokeErrorMessage(errno)}");

    [DllImport("libc", SetLastError = true)]
    private static extern int renameat2(int oldDirFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath,
        int newDirFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath, uint flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int renamex_np([MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath, uint flags);
}
