using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using StacPkg.Core.Json;

namespace StacPkg.Core.Stac;

/// <summary>
/// Turns JSON text arriving in any chunking into Items, emitting each as soon as it is complete.
/// Accepts an Item, a FeatureCollection / ItemCollection / STAC API search page, a JSON array of
/// Items, NDJSON and concatenated documents; STAC Collections among them are attached to the Items
/// after them (<see cref="StacDocumentReader"/>).
/// </summary>
/// <remarks>
/// A byte-level scanner follows the JSON structure (depth, strings, escapes and which token may
/// come next) and keeps in its buffer only the candidate Item under construction: a top-level
/// object, an element of a top-level array, or an element of the <c>features</c> array of a
/// top-level object. A complete candidate becomes an Item kept as its record
/// (<see cref="StacDocumentReader.TryReadRecord"/>) or, when that refuses it, is parsed with
/// <see cref="JsonValueReader"/> and <see cref="StacItem.FromJson"/>, which give the errors. Errors are per value. After a syntax error inside an element
/// of an array (a feature) the scanner skips to the element's end by counting brackets, or to the
/// next line that starts an object at the column the broken element started (the next feature of
/// a pretty-printed collection), whichever comes first; so one broken feature does not swallow the
/// ones after it. After any other syntax error it resumes at the first line after the failed
/// value's start that begins with '{' or '[', so one broken NDJSON line does not swallow the lines
/// after it, and says how much it skipped when that passes more than the broken value.
/// </remarks>
public sealed class StacJsonStream
{
    private const int MaxDepth = 256;

    /// <summary>Input is scanned in slices of this size, so one huge push does not grow the buffer.</summary>
    private const int SliceBytes = 64 * 1024;

    private static readonly SearchValues<byte> StringStops = SearchValues.Create("\"\\\n"u8);
    private static readonly SearchValues<byte> BareChars =
        SearchValues.Create("0123456789+-.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"u8);

    private readonly Encoder _encoder = new UTF8Encoding(false, false).GetEncoder();
    private readonly bool[] _isArray = new bool[MaxDepth + 1];
    private byte[] _buffer = new byte[4096];
    private int _length;
    private int _scan;
    private long _base;           // stream offset of _buffer[0]
    private long _line = 1;
    private long _lineStart;      // stream offset of the current line's first byte
    private long _index;          // candidates reported so far
    private bool _lineBlank = true; // only blanks so far on the current line
    private bool _tokenAtLineStart;   // the structural byte being scanned is the first non-blank of its line
    private bool _completed;

    private Lexer _lexer;
    private Expect _expect;
    private int _depth;
    private Shape _shape;
    private long _topLine;
    private int _elementDepth = -1;  // depth at which values are candidate Items, -1 for none
    private bool _featuresPending;   // the last key of a top-level object was "features"
    private bool _inKey;
    private int _keyStart;

    private int _valueStart = -1;    // buffer offset of the candidate under construction, -1 for none
    private int _valueDepth;
    private long _valueLine;
    private long _valueLineStart;
    private long _valueColumn;
    private bool _valueOwnsLine;     // the candidate is the first non-blank of its line
    private byte _valueCloser;       // the bracket that closes the candidate

    private long _skipFrom = -1;     // stream offset where skipping after a syntax error began, -1 if not reported
    private long _skipFromLine;
    private long _skippedLines;      // non-blank lines skipped looking for a line that starts a value

    /// <param name="inputName">File path for error messages, or null for pipeline input.</param>
    /// <param name="documents">Where Collections met in the input are remembered; shared when the caller reads other input too.</param>
    public StacJsonStream(string? inputName = null, StacDocumentReader? documents = null)
    {
        InputName = inputName;
        Documents = documents ?? new StacDocumentReader();
    }

    public string? InputName { get; }

    /// <summary>Turns each complete value into an Item, or remembers it as a Collection.</summary>
    public StacDocumentReader Documents { get; }

    /// <summary>Bytes the buffer can hold now; it grows with the largest value, not with the input.</summary>
    internal int BufferCapacity => _buffer.Length;

    /// <summary>Feeds text; returns the results completed by it.</summary>
    public IReadOnlyList<StacReadResult> Push(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ThrowIfCompleted();
        var results = new List<StacReadResult>();
        var chars = text.AsSpan();
        const int sliceChars = SliceBytes / 4;
        while (chars.Length > 0)
        {
            var slice = chars[..Math.Min(sliceChars, chars.Length)];
            // The encoder keeps a high surrogate split from its low half across pushes.
            var written = _encoder.GetBytes(slice, Reserve(Encoding.UTF8.GetMaxByteCount(slice.Length)), flush: false);
            _length += written;
            Scan(results);
            chars = chars[slice.Length..];
        }
        return results;
    }

    /// <summary>Feeds UTF-8 bytes; returns the results completed by them.</summary>
    public IReadOnlyList<StacReadResult> Push(ReadOnlySpan<byte> utf8)
    {
        ThrowIfCompleted();
        var results = new List<StacReadResult>();
        while (utf8.Length > 0)
        {
            var slice = utf8[..Math.Min(SliceBytes, utf8.Length)];
            slice.CopyTo(Reserve(slice.Length));
            _length += slice.Length;
            Scan(results);
            utf8 = utf8[slice.Length..];
        }
        return results;
    }

    /// <summary>Ends the input: a value still open is reported as truncated.</summary>
    public IReadOnlyList<StacReadResult> Complete()
    {
        ThrowIfCompleted();
        _completed = true;
        var results = new List<StacReadResult>();
        var tail = _encoder.GetBytes(ReadOnlySpan<char>.Empty, Reserve(8), flush: true);
        _length += tail;
        while (true)
        {
            Scan(results);
            if (_lexer == Lexer.Bare)
            {
                // A number or literal ends with the input.
                _lexer = Lexer.Structure;
                EndValue(_length, results);
            }
            if (_lexer is Lexer.Recover or Lexer.RecoverString or Lexer.RecoverEscape)
            {
                results.Add(Failure($"the input ends before the value broken at line {_skipFromLine} closes: the last {_base + _length - _skipFrom} bytes (lines {_skipFromLine}–{_line}) were skipped", _skipFromLine, null));
                _depth = 0;
                _lexer = Lexer.Structure;
            }
            if (_depth == 0)
            {
                ReportSkippedLines(_length, results);
                break;
            }
            // Rewinding to the line after the truncated value's start may find whole values there.
            _scan = SyntaxError(_length, $"truncated JSON: the input ends at line {_line} before this value is complete", results);
        }
        if (_lexer == Lexer.Structure && _scan < _length)
        {
            SyntaxError(_scan, Invalid(_scan, "the input ends inside a byte order mark"), results);
        }
        return results;
    }

    private void ThrowIfCompleted()
    {
        if (_completed)
        {
            throw new InvalidOperationException("the JSON stream is already complete");
        }
    }

    /// <summary>Room for <paramref name="count"/> more bytes, dropping what no value needs any more.</summary>
    private Span<byte> Reserve(int count)
    {
        var keep = _valueStart >= 0 ? _valueStart : _scan;
        if (keep == _length || (keep > 0 && _length + count > _buffer.Length))
        {
            var kept = _length - keep;
            _buffer.AsSpan(keep, kept).CopyTo(_buffer);
            _base += keep;
            _length = kept;
            _scan -= keep;
            if (_valueStart >= 0) _valueStart -= keep;
            _keyStart -= keep;
        }
        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }
        return _buffer.AsSpan(_length, count);
    }

    private void Scan(List<StacReadResult> results)
    {
        var i = _scan;
        while (i < _length)
        {
            var rest = _buffer.AsSpan(i, _length - i);
            int k;
            switch (_lexer)
            {
                case Lexer.Structure:
                    i = ScanStructure(i, results);
                    break;
                case Lexer.String:
                    k = rest.IndexOfAny(StringStops);
                    if (k < 0)
                    {
                        i = _length;
                    }
                    else if (rest[k] == (byte)'"')
                    {
                        i += k + 1;
                        _lexer = Lexer.Structure;
                        EndString(i, results);
                    }
                    else if (rest[k] == (byte)'\\')
                    {
                        i += k + 1;
                        _lexer = Lexer.StringEscape;
                    }
                    else
                    {
                        i = SyntaxError(i + k, Invalid(i + k, "a line break inside a string (unterminated string)"), results);
                    }
                    break;
                case Lexer.StringEscape:
                    if (rest[0] == (byte)'\n')
                    {
                        i = SyntaxError(i, Invalid(i, "a line break after a backslash inside a string"), results);
                        break;
                    }
                    i++;
                    _lexer = Lexer.String;
                    break;
                case Lexer.Bare:
                    k = rest.IndexOfAnyExcept(BareChars);
                    if (k < 0)
                    {
                        i = _length;
                        break;
                    }
                    i += k;
                    _lexer = Lexer.Structure;
                    EndValue(i, results);
                    break;
                case Lexer.SkipLine:
                    k = rest.IndexOf((byte)'\n');
                    if (k < 0)
                    {
                        i = _length;
                        break;
                    }
                    i += k + 1;
                    NewLine(i);
                    _lexer = Lexer.LineStart;
                    break;
                case Lexer.LineStart:
                    if (rest[0] is (byte)'{' or (byte)'[')
                    {
                        ReportSkippedLines(i, results);
                        _lexer = Lexer.Structure;
                    }
                    else if (rest[0] == (byte)'\n')
                    {
                        i++;
                        NewLine(i);
                    }
                    else
                    {
                        _skippedLines++;
                        _lexer = Lexer.SkipLine;
                    }
                    break;
                case Lexer.Recover:
                    i = ScanRecover(i, results);
                    break;
                case Lexer.RecoverString:
                    k = rest.IndexOfAny(StringStops);
                    if (k < 0)
                    {
                        i = _length;
                    }
                    else
                    {
                        // A raw line break cannot be inside a string: the quote that should end it is missing.
                        i += rest[k] == (byte)'\n' ? k : k + 1;
                        _lexer = rest[k] == (byte)'\\' ? Lexer.RecoverEscape : Lexer.Recover;
                    }
                    break;
                case Lexer.RecoverEscape:
                    if (rest[0] != (byte)'\n')
                    {
                        i++;
                    }
                    _lexer = rest[0] == (byte)'\n' ? Lexer.Recover : Lexer.RecoverString;
                    break;
            }
        }
        _scan = i;
    }

    /// <summary>True for whitespace the structural scans step over; a newline also starts a new line.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool SkipsWhitespace(byte b, int i)
    {
        if (b is (byte)' ' or (byte)'\t' or (byte)'\r')
        {
            return true;
        }
        if (b == (byte)'\n')
        {
            NewLine(i + 1);
            return true;
        }
        return false;
    }

    /// <summary>Scans structural bytes until a string or bare token starts; returns where scanning stopped.</summary>
    private int ScanStructure(int i, List<StacReadResult> results)
    {
        var buffer = _buffer;
        var end = _length;
        for (; i < end; i++)
        {
            var b = buffer[i];
            if (SkipsWhitespace(b, i))
            {
                continue;
            }
            _tokenAtLineStart = _lineBlank;
            _lineBlank = false;
            switch (b)
            {
                case (byte)'{' or (byte)'[':
                    if (_expect == Expect.CommaOrEnd && _depth == _elementDepth && _depth > 0)
                    {
                        // A comma missing between two Items: both are whole, so say so and read on.
                        results.Add(Failure(Invalid(i, ExpectedText()), _line, null));
                        _expect = Expect.Value;
                    }
                    if (_expect is not (Expect.Value or Expect.ValueOrEnd))
                    {
                        return SyntaxError(i, Invalid(i, ExpectedText()), results);
                    }
                    if (_depth == MaxDepth)
                    {
                        return SyntaxError(i, Invalid(i, $"nested deeper than {MaxDepth} levels"), results);
                    }
                    StartValue(i, b, results);
                    _isArray[++_depth] = b == (byte)'[';
                    _expect = b == (byte)'[' ? Expect.ValueOrEnd : Expect.KeyOrEnd;
                    continue;
                case (byte)'}' or (byte)']':
                    var isArray = b == (byte)']';
                    if (_depth == 0 || _isArray[_depth] != isArray ||
                        _expect is not (Expect.CommaOrEnd or Expect.ValueOrEnd or Expect.KeyOrEnd))
                    {
                        return SyntaxError(i, Invalid(i, ExpectedText()), results);
                    }
                    _depth--;
                    EndValue(i + 1, results);
                    if (isArray && _depth == 1 && _shape == Shape.Collection)
                    {
                        // The features array closed: the rest of the collection holds no Items.
                        _elementDepth = -1;
                    }
                    continue;
                case (byte)',':
                    if (_expect != Expect.CommaOrEnd)
                    {
                        return SyntaxError(i, Invalid(i, ExpectedText()), results);
                    }
                    _expect = _isArray[_depth] ? Expect.Value : Expect.Key;
                    continue;
                case (byte)':':
                    if (_expect != Expect.Colon)
                    {
                        return SyntaxError(i, Invalid(i, ExpectedText()), results);
                    }
                    _expect = Expect.Value;
                    continue;
                case (byte)'"':
                    _inKey = _expect is Expect.Key or Expect.KeyOrEnd;
                    if (_inKey)
                    {
                        _keyStart = i;
                    }
                    else if ((_expect is Expect.Value or Expect.ValueOrEnd) && _depth > 0)
                    {
                        StartValue(i, b, results);
                    }
                    else
                    {
                        return SyntaxError(i, Invalid(i, ExpectedText()), results);
                    }
                    _lexer = Lexer.String;
                    return i + 1;
                case 0xEF when _depth == 0:
                    // A UTF-8 byte order mark before a document (e.g. from concatenated files).
                    _lineBlank = _tokenAtLineStart;
                    if (end - i < 3)
                    {
                        return i;
                    }
                    if (buffer[i + 1] != 0xBB || buffer[i + 2] != 0xBF)
                    {
                        return SyntaxError(i, Invalid(i, "unexpected bytes where a JSON value should start"), results);
                    }
                    i += 2;
                    continue;
                default:
                    // A top-level scalar is refused like a syntax error, so the rest of its line is skipped too.
                    if (_expect is not (Expect.Value or Expect.ValueOrEnd) || _depth == 0 || !IsBareStart(b))
                    {
                        return SyntaxError(i, Invalid(i, ExpectedText()), results);
                    }
                    StartValue(i, b, results);
                    _lexer = Lexer.Bare;
                    return i + 1;
            }
        }
        return i;
    }

    /// <summary>
    /// Skips the rest of a candidate broken by a syntax error: ends after the bracket that balances
    /// it, or before a line that starts a value where the broken candidate started.
    /// </summary>
    private int ScanRecover(int i, List<StacReadResult> results)
    {
        var buffer = _buffer;
        var end = _length;
        for (; i < end; i++)
        {
            var b = buffer[i];
            if (SkipsWhitespace(b, i))
            {
                continue;
            }
            var lineStart = _lineBlank;
            _lineBlank = false;
            switch (b)
            {
                case (byte)'"':
                    _lexer = Lexer.RecoverString;
                    return i + 1;
                case (byte)'{' or (byte)'[':
                    if (b == (byte)'{' && lineStart && _valueOwnsLine && _base + i - _lineStart + 1 == _valueColumn)
                    {
                        // The next element, indented as the broken one was: that one lacked a closing bracket.
                        _lineBlank = true;
                        _depth = _valueDepth;
                        EndRecovery(Expect.Value);
                        return i;
                    }
                    _depth++;
                    continue;
                case (byte)'}' or (byte)']':
                    if (_depth - 1 == _valueDepth)
                    {
                        if (b == _valueCloser)
                        {
                            _depth--;
                            EndRecovery(Expect.CommaOrEnd);
                            return i + 1;
                        }
                        // This closes the array around the broken element: the elements between were lost.
                        results.Add(Failure($"the brackets of the value broken at line {_skipFromLine} do not balance: {_base + i - _skipFrom} bytes (lines {_skipFromLine}–{_line}) up to the end of its array were skipped", _skipFromLine, null));
                        _depth = _valueDepth;
                        EndRecovery(Expect.CommaOrEnd);
                        return i;
                    }
                    _depth--;
                    continue;
            }
        }
        return i;
    }

    private void EndRecovery(Expect next)
    {
        _lexer = Lexer.Structure;
        _expect = next;
        _skipFrom = -1;
    }

    /// <summary>After skipping lines to find a value's start: an error says how much was skipped, so nothing vanishes silently.</summary>
    private void ReportSkippedLines(int at, List<StacReadResult> results)
    {
        if (_skipFrom >= 0 && _skippedLines > 0)
        {
            var bytes = _base + at - _skipFrom;
            results.Add(Failure($"after the syntax error at line {_skipFromLine}, {_skippedLines} line{(_skippedLines == 1 ? "" : "s")} ({bytes} bytes) were skipped looking for a line that starts a JSON object or array", _skipFromLine, null));
        }
        _skipFrom = -1;
        _skippedLines = 0;
    }

    private static bool IsBareStart(byte b) => b is (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'t' or (byte)'f' or (byte)'n';

    private string ExpectedText() => _expect switch
    {
        Expect.Value => _depth == 0 ? "expected a JSON object or array" : "expected a value",
        Expect.ValueOrEnd => "expected a value or ']'",
        Expect.KeyOrEnd => "expected a member name or '}'",
        Expect.Key => "expected a member name in double quotes",
        Expect.Colon => "expected ':' after a member name",
        _ => _isArray[_depth] ? "expected ',' or ']'" : "expected ',' or '}'",
    };

    private void NewLine(int next)
    {
        _line++;
        _lineStart = _base + next;
        _lineBlank = true;
    }

    /// <summary>A value starts at <paramref name="at"/> at the current depth: decide whether it is a candidate Item.</summary>
    private void StartValue(int at, byte first, List<StacReadResult> results)
    {
        if (_depth == 0)
        {
            _topLine = _line;
            if (first == (byte)'{')
            {
                _shape = Shape.Object;
                StartCandidate(at);
            }
            else
            {
                _shape = Shape.Array;
                _elementDepth = 1;
            }
        }
        else if (_depth == _elementDepth)
        {
            if (first == (byte)'{' || first == (byte)'[')
            {
                StartCandidate(at);
            }
            else
            {
                NotAnObject(first, results);
            }
        }
        else if (_depth == 1 && _shape == Shape.Object)
        {
            if (_featuresPending && first == (byte)'[')
            {
                // A FeatureCollection: its features are the candidates, the envelope is not kept.
                _shape = Shape.Collection;
                _elementDepth = 2;
                _valueStart = -1;
            }
            _featuresPending = false;
        }
    }

    private void StartCandidate(int at)
    {
        _valueStart = at;
        _valueDepth = _depth;
        _valueLine = _line;
        _valueLineStart = _lineStart;
        _valueColumn = _base + at - _lineStart + 1;
        _valueOwnsLine = _tokenAtLineStart;
        _valueCloser = _buffer[at] == (byte)'{' ? (byte)'}' : (byte)']';
    }

    private void EndString(int end, List<StacReadResult> results)
    {
        if (!_inKey)
        {
            EndValue(end, results);
            return;
        }
        if (_depth == 1 && _shape == Shape.Object)
        {
            // The top-level object is the candidate, so its key bytes are still in the buffer.
            _featuresPending = _buffer.AsSpan(_keyStart, end - _keyStart).SequenceEqual("\"features\""u8);
        }
        _expect = Expect.Colon;
    }

    /// <summary>A value ended just before <paramref name="end"/>.</summary>
    private void EndValue(int end, List<StacReadResult> results)
    {
        _expect = _depth == 0 ? Expect.Value : Expect.CommaOrEnd;
        if (_valueStart >= 0 && _depth == _valueDepth)
        {
            if (ParseCandidate(_buffer.AsSpan(_valueStart, end - _valueStart)) is { } result)
            {
                results.Add(result);
            }
            _valueStart = -1;
        }
        if (_depth == 0)
        {
            _shape = Shape.None;
            _elementDepth = -1;
        }
    }

    /// <summary>The Item or error the candidate gives; null for a Collection.</summary>
    private StacReadResult? ParseCandidate(ReadOnlySpan<byte> json)
    {
        var index = ++_index;
        if (Documents.TryReadRecord(json) is { } record)
        {
            return StacReadResult.Ok(record);
        }
        try
        {
            if (JsonValueReader.Parse(json) is JsonMap map)
            {
                return Documents.Read(map) is { } item ? StacReadResult.Ok(item) : null;
            }
            return Failure("expected a STAC Item (a JSON object), got an array", _valueLine, index);
        }
        catch (StacFormatException ex)
        {
            return StacReadResult.Fail(ex.At(InputName, _valueLine, index));
        }
        catch (JsonException ex)
        {
            return Failure(DescribeJsonError(ex), _valueLine, index, ex);
        }
    }

    /// <summary>Reasons from System.Text.Json count lines from the value's start; restate them from the input's start.</summary>
    private string DescribeJsonError(JsonException ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut >= 0)
        {
            message = message[..cut];
        }
        return ex.LineNumber is long line ? $"invalid JSON at line {_valueLine + line}: {message}" : $"invalid JSON: {message}";
    }

    private void NotAnObject(byte first, List<StacReadResult> results)
    {
        var kind = first switch
        {
            (byte)'"' => "a string",
            (byte)'t' or (byte)'f' => "a boolean",
            (byte)'n' => "null",
            _ => "a number",
        };
        results.Add(Failure($"expected a STAC Item (a JSON object), got {kind}", _line, ++_index));
    }

    private string Invalid(int at, string what)
    {
        var column = _base + at - _lineStart + 1;
        if (column == 1 && _valueStart >= 0 && _line > _valueLine && _buffer[at] is (byte)'{' or (byte)'[')
        {
            // Typical of NDJSON: a line that ended early, so the next line's value was read into it.
            return $"truncated JSON: the value is still open when line {_line} starts a new one ({what})";
        }
        return $"invalid JSON at line {_line}, column {column}: {what}";
    }

    /// <summary>
    /// Reports a syntax error found at <paramref name="at"/> against the value it breaks and returns
    /// where to continue. Inside an array element, the scanner skips to the element's end (see
    /// <see cref="ScanRecover"/>); inside a top-level candidate, it rewinds to its start and skips its
    /// first line; elsewhere it skips to a line that starts a value.
    /// </summary>
    private int SyntaxError(int at, string reason, List<StacReadResult> results)
    {
        var resume = at;
        if (_valueStart >= 0 && _valueDepth > 0 && !_completed)
        {
            results.Add(Failure(reason, _valueLine, ++_index));
            _valueStart = -1;
            _skipFrom = _base + at;
            _skipFromLine = _line;
            _lineBlank = _tokenAtLineStart;
            _lexer = Lexer.Recover;
            return at;
        }
        if (_valueStart >= 0)
        {
            results.Add(Failure(reason, _valueLine, ++_index));
            resume = _valueStart;
            _line = _valueLine;
            _lineStart = _valueLineStart;
            _valueStart = -1;
        }
        else
        {
            results.Add(Failure(reason, _depth > 0 ? _topLine : _line, null));
            _skipFrom = _base + at;
            _skipFromLine = _line;
            _skippedLines = 0;
        }
        _depth = 0;
        _expect = Expect.Value;
        _shape = Shape.None;
        _elementDepth = -1;
        _featuresPending = false;
        _lexer = Lexer.SkipLine;
        return resume;
    }

    private StacReadResult Failure(string reason, long line, long? index, Exception? inner = null) =>
        StacReadResult.Fail(new StacFormatException(reason, inner) { InputName = InputName, Line = line, Index = index });

    private enum Lexer : byte
    {
        Structure,
        String,
        StringEscape,
        Bare,
        SkipLine,   // after a syntax error: skip the rest of the line
        LineStart,  // after a syntax error: resume at a line that starts with '{' or '['
        Recover,    // after a syntax error inside a candidate: skip to its end
        RecoverString,
        RecoverEscape,
    }

    private enum Expect : byte
    {
        Value,
        ValueOrEnd,
        KeyOrEnd,
        Key,
        Colon,
        CommaOrEnd,
    }

    /// <summary>What the current top-level value is.</summary>
    private enum Shape : byte
    {
        None,
        Object,
        Array,
        Collection,
    }
}
