using System.Buffers;
using GraphQL;
using GraphQL.Execution;
using ExecutionContext = GraphQL.Execution.ExecutionContext;

namespace DigitalTwin.Server.GraphQL;

/// <summary>
/// How large one answer may grow, counted while it is built: every field and every list item is one value, and the
/// value past <see cref="GraphQLLimits.GraphQLMaxResponseValues"/> stops the request at once (its deadline is cancelled,
/// so resolvers and their SQL stop as they do at a timeout), before the rest is built in memory. Introspection, which
/// the complexity estimate cannot weigh, is held by this too.
/// </summary>
internal sealed class ResponseBudget(int maxValues, CancellationTokenSource request)
{
    private int values;

    public int MaxValues => maxValues;

    /// <summary>True once the answer has gone over its limit: the request was stopped for that, not for time.</summary>
    public bool Exceeded { get; private set; }

    /// <summary>Counts one more value; past the limit, stops the request (throws <see cref="OperationCanceledException"/>).</summary>
    public void Take()
    {
        if (Interlocked.Increment(ref values) <= maxValues) return;
        Exceeded = true;
        request.Cancel();
        request.Token.ThrowIfCancellationRequested();
    }
}

/// <summary>The options of one request, with the budget its answer is built within.</summary>
internal sealed class BudgetedExecutionOptions : ExecutionOptions
{
    public required ResponseBudget Budget { get; init; }
}

/// <summary>Queries, executed in parallel as GraphQL.NET does, each value counted against the request's <see cref="ResponseBudget"/>.</summary>
internal sealed class BudgetedParallelExecutionStrategy : ParallelExecutionStrategy
{
    protected override Task CompleteNodeAsync(ExecutionContext context, ExecutionNode node)
    {
        (context.ExecutionOptions as BudgetedExecutionOptions)?.Budget.Take();
        return base.CompleteNodeAsync(context, node);
    }
}

/// <summary>Mutations, executed one after another as GraphQL.NET does, each value counted against the request's <see cref="ResponseBudget"/>.</summary>
internal sealed class BudgetedSerialExecutionStrategy : SerialExecutionStrategy
{
    protected override Task CompleteNodeAsync(ExecutionContext context, ExecutionNode node)
    {
        (context.ExecutionOptions as BudgetedExecutionOptions)?.Budget.Take();
        return base.CompleteNodeAsync(context, node);
    }
}

/// <summary>
/// Where an answer's JSON is written before it is sent: pooled blocks, at most <c>limit</c> bytes in all. A write past
/// the limit throws <see cref="ResponseTooLargeException"/>, so that the serializer stops there and the answer can
/// still be replaced by an error (nothing has been sent yet); a small answer costs one pooled block and lets the
/// response carry its Content-Length.
/// </summary>
internal sealed class CappedBufferStream(int limit) : Stream
{
    private const int BlockSize = 16 * 1024;
    private readonly List<byte[]> blocks = [];
    private int lastUsed;
    private long length;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => length;
    public override long Position { get => length; set => throw new NotSupportedException(); }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (length + buffer.Length > limit) throw new ResponseTooLargeException(limit);
        while (!buffer.IsEmpty)
        {
            if (blocks.Count == 0 || lastUsed == blocks[^1].Length)
            {
                blocks.Add(ArrayPool<byte>.Shared.Rent(BlockSize));
                lastUsed = 0;
            }
            var block = blocks[^1];
            var count = Math.Min(buffer.Length, block.Length - lastUsed);
            buffer[..count].CopyTo(block.AsSpan(lastUsed));
            lastUsed += count;
            length += count;
            buffer = buffer[count..];
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return default;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    /// <summary>Forgets what was written, keeping the blocks, to write something else (the error) instead.</summary>
    public void Clear()
    {
        foreach (var block in blocks.Skip(1)) ArrayPool<byte>.Shared.Return(block);
        if (blocks.Count > 1) blocks.RemoveRange(1, blocks.Count - 1);
        lastUsed = 0;
        length = 0;
    }

    /// <summary>Sends what was written.</summary>
    public async Task SendAsync(Stream destination, CancellationToken cancellationToken)
    {
        for (var i = 0; i < blocks.Count; i++)
        {
            await destination.WriteAsync(blocks[i].AsMemory(0, i == blocks.Count - 1 ? lastUsed : blocks[i].Length), cancellationToken);
        }
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        foreach (var block in blocks) ArrayPool<byte>.Shared.Return(block);
        blocks.Clear();
        base.Dispose(disposing);
    }
}

/// <summary>An answer's JSON went over <see cref="GraphQLLimits.GraphQLMaxResponseBytes"/> while it was written.</summary>
internal sealed class ResponseTooLargeException(int limit) : IOException($"The answer is larger than {limit} bytes.");
