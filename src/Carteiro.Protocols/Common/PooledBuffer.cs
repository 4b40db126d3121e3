using System.Buffers;

namespace Carteiro.Protocols.Common;

/// <summary>
/// A growable byte buffer on pooled arrays, for message bodies read off a connection: it grows by
/// doubling up to what the caller allows and gives its array back when reset or disposed.
/// </summary>
internal sealed class PooledBuffer : IDisposable
{
    private byte[] _array = [];
    private int _length;

    /// <summary>Bytes held.</summary>
    public int Length => _length;

    /// <summary>The bytes held.</summary>
    public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, _length);

    public void Append(ReadOnlySequence<byte> bytes)
    {
        Reserve(checked((int)bytes.Length));
        bytes.CopyTo(_array.AsSpan(_length));
        _length += (int)bytes.Length;
    }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(_array.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>Forgets the content and returns the array to the pool.</summary>
    public void Reset()
    {
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }

        _array = [];
        _length = 0;
    }

    public void Dispose() => Reset();

    private void Reserve(int more)
    {
        if (_length + more <= _array.Length)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_length + more, Math.Max(4096, _array.Length * 2)));
        _array.AsSpan(0, _length).CopyTo(bigger);
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }

        _array = bigger;
    }
}
