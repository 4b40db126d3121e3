using System.Buffers;
using System.Net.Sockets;

namespace Carteiro.Protocols.Native;

/// <summary>
/// A connection's output: written into pooled chunks, sent on <see cref="FlushAsync"/> straight
/// from the flushing thread while the socket's send buffer takes it, and awaited only when the
/// peer falls behind. Holds no memory between flushes. Not thread-safe: the session writes and
/// flushes under its write lock.
/// </summary>
/// <remarks>
/// A socket's first asynchronous send gives it a cached operation object of ~360 bytes that it
/// keeps for life; sending synchronously on a non-blocking socket first means a connection that
/// never fills its send buffer never has one, which is most idle connections.
/// </remarks>
internal sealed class SocketWriter : IBufferWriter<byte>, IDisposable
{
    private const int ChunkSize = 4096;

    private readonly Socket _socket;
    private byte[]? _current;
    private int _currentLength;
    private List<(byte[] Chunk, int Length)>? _filled;
    private long _unflushed;

    /// <summary>Writes to <paramref name="socket"/>, which must be non-blocking.</summary>
    public SocketWriter(Socket socket) => _socket = socket;

    /// <summary>Bytes written and not yet sent.</summary>
    public long UnflushedBytes => _unflushed;

    /// <inheritdoc />
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_current is null || _currentLength + count > _current.Length)
        {
            throw new InvalidOperationException("advanced past the buffer handed out");
        }

        _currentLength += count;
        _unflushed += count;
    }

    /// <inheritdoc />
    public Memory<byte> GetMemory(int sizeHint = 0) => Reserve(sizeHint).AsMemory(_currentLength);

    /// <inheritdoc />
    public Span<byte> GetSpan(int sizeHint = 0) => Reserve(sizeHint).AsSpan(_currentLength);

    /// <summary>Sends everything written so far; completes when the socket has taken it all.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_filled is { Count: > 0 } filled)
        {
            for (int i = 0; i < filled.Count; i++)
            {
                var (chunk, length) = filled[i];
                if (chunk is null)
                {
                    continue;
                }

                await SendAsync(chunk, length, cancellationToken).ConfigureAwait(false);
                filled[i] = default;
                ArrayPool<byte>.Shared.Return(chunk);
            }

            filled.Clear();
        }

        if (_current is { } current)
        {
            int length = _currentLength;
            _current = null;
            _currentLength = 0;
            try
            {
                await SendAsync(current, length, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(current);
            }
        }

        _unflushed = 0;
    }

    /// <summary>Drops whatever was not sent and gives the chunks back to the pool.</summary>
    public void Dispose()
    {
        if (_filled is { } filled)
        {
            foreach (var (chunk, _) in filled)
            {
                if (chunk is not null)
                {
                    ArrayPool<byte>.Shared.Return(chunk);
                }
            }

            filled.Clear();
        }

        if (_current is { } current)
        {
            _current = null;
            ArrayPool<byte>.Shared.Return(current);
        }

        _currentLength = 0;
        _unflushed = 0;
    }

    private byte[] Reserve(int sizeHint)
    {
        int needed = Math.Max(sizeHint, 1);
        if (_current is { } current && current.Length - _currentLength >= needed)
        {
            return current;
        }

        if (_current is { } full)
        {
            (_filled ??= []).Add((full, _currentLength));
        }

        _current = ArrayPool<byte>.Shared.Rent(Math.Max(needed, ChunkSize));
        _currentLength = 0;
        return _current;
    }

    private async ValueTask SendAsync(byte[] chunk, int length, CancellationToken cancellationToken)
    {
        int offset = 0;
        while (offset < length)
        {
            int sent = _socket.Send(chunk.AsSpan(offset, length - offset), SocketFlags.None, out var error);
            if (error == SocketError.Success)
            {
                offset += sent;
                continue;
            }

            if (error != SocketError.WouldBlock)
            {
                throw new SocketException((int)error);
            }

            // The peer is not keeping up: wait for room (this gives the socket its async operation).
            offset += await _socket.SendAsync(chunk.AsMemory(offset, length - offset), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
    }
}
