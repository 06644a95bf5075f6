using System.Buffers;
using System.IO.Compression;
using System.Text.Json;
using StacPkg.Core.Json;

namespace StacPkg.Core.IO;

/// <summary>
/// UTF-8 text (JSON values and raw separators) written through an <see cref="AtomicFile"/>,
/// gzip-compressed when the target ends in .gz. Writes collect in memory and go to the file in
/// blocks, so per-item writes cost no I/O call.
/// </summary>
internal sealed class AtomicTextOutput : IAsyncDisposable
{
    private const int BlockBytes = 64 * 1024;

    private readonly AtomicFile _file;
    private readonly Stream _stream;
    private readonly ArrayBufferWriter<byte> _pending = new(BlockBytes * 2);
    private readonly Utf8JsonWriter _json;

    public AtomicTextOutput(string path)
    {
        ScratchFiles.RemoveStaleBeside(path);
        _file = new AtomicFile(path);
        _stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(_file.Stream, CompressionLevel.Fastest, leaveOpen: true)
            : _file.Stream;
        _json = new Utf8JsonWriter(_pending, JsonValueWriter.CompactOptions);
    }

    /// <summary>Appends one compact JSON value.</summary>
    public void WriteValue(object? value)
    {
        JsonValueWriter.Write(_json, value);
        _json.Flush();
        // Each value is a root of its own: without a reset the writer would put a comma before the next one.
        _json.Reset();
    }

    public void WriteRaw(ReadOnlySpan<byte> utf8) => _pending.Write(utf8);

    /// <summary>Writes the collected text to the file once a block is full.</summary>
    public ValueTask FlushIfFullAsync(CancellationToken cancellationToken) =>
        _pending.WrittenCount >= BlockBytes ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;

    /// <summary>Writes what is left and moves the file under its target name.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        if (_stream != _file.Stream)
        {
            // Ends the gzip member; the file stream stays open for the commit.
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
        await _file.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _json.DisposeAsync().ConfigureAwait(false);
            if (_stream != _file.Stream)
            {
                await _stream.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _file.Dispose();
        }
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(_pending.WrittenMemory, cancellationToken).ConfigureAwait(false);
        _pending.ResetWrittenCount();
    }
}
