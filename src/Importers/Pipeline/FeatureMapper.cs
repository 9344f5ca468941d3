using System.Globalization;
using System.Text.Json;
using DigitalTwin.Importers.Mapping;
using DigitalTwin.Importers.Reprojection;
using DigitalTwin.Importers.Sources;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.Operation.Valid;

namespace DigitalTwin.Importers.Pipeline;

/// <summary>
/// A feature mapped to the domain and validated; its geometry in the source CRS until the importer reprojects it to the
/// storage CRS. <c>AttributesJson</c> is the source attributes as a JSON object in UTF-8.
/// </summary>
internal sealed record MappedObject(
    string SourceId, long FeatureNo, string? Type, string? Name, string? Address,
    string? Owner, string? Manager, string? Contractor, string? Commissioner, string? Subcontractor,
    string? ContractRef, string[]? Covers, string[]? TaskTypes, DateOnly? ValidFrom, DateOnly? ValidTo,
    byte[] AttributesJson, Geometry? Geometry, string? ResponseTimesJson = null);

/// <summary>
/// From the source CRS to the storage CRS; whether the source is longitude/latitude; the check of coordinates against
/// the source CRS's area of use (null where it cannot be made, which the report says).
/// </summary>
internal sealed record Reprojectors(IReprojector ToStorage, bool SourceIsGeographic, AreaCheck? Area = null, string AreaUnit = "m²");

/// <summary>
/// Turns source features into domain objects: reads the mapped fields, checks every rule a layer of this kind has,
/// and reports each problem with the feature's number. Invalid geometries are repaired only when asked.
/// </summary>
internal sealed class FeatureMapper
{
    private static readonly char[] ListSeparators = [';', ',', '|'];
    private readonly ImportOptions options;
    private readonly IReadOnlySet<string> organisations;
    private readonly IReadOnlySet<string> taskTypes;
    private readonly Reprojectors? reprojectors;
    private readonly ImportReport report;
    private readonly IReadOnlyDictionary<DomainField, FieldSource> fields;
    private readonly Action<string> errorAction;
    private readonly AttributesWriter attributesWriter = new();
    private SourceFeature current = null!;
    private string? currentId;
    private int errors;

    /// <summary>
    /// Resolves the mapping against every field of the file (not the first feature's: a field only later features
    /// have is mapped too) and puts what becomes of each field into the report, before any feature is read.
    /// </summary>
    /// <exception cref="ImportException">The mapping names a field the file does not have.</exception>
    public FeatureMapper(
        ImportOptions options,
        IReadOnlyList<SourceField> sourceFields,
        IReadOnlySet<string> organisations,
        IReadOnlySet<string> taskTypes,
        Reprojectors? reprojectors,
        ImportReport report)
    {
        this.options = options;
        this.organisations = organisations;
        this.taskTypes = taskTypes;
        this.reprojectors = reprojectors;
        this.report = report;
        fields = ResolveFields(sourceFields);
        report.Fields = FieldUses(sourceFields, fields);
        errorAction = Error;
    }

    /// <summary>Reports an error of the feature being mapped.</summary>
    private void Error(string reason)
    {
        errors++;
        report.Add(new ImportProblem(current.Number, currentId, Severity.Error, reason));
    }

    /// <summary>A mapped field of the feature being mapped; a value its lookup lacks is reported.</summary>
    private string? Read(DomainField field)
    {
        if (!fields.TryGetValue(field, out var source)) return null;
        return source.ReportUnmatched ? ReadReportingUnmatched(field, source) : source.Read(current.Attributes, current.Number);
    }

    // Apart from Read, so that the closure is made only for the fields that have a lookup.
    private string? ReadReportingUnmatched(DomainField field, FieldSource source) =>
        source.Read(current.Attributes, current.Number, value => Error(
            $"unmatched value: '{value}' in {Camel(field)} (from {string.Join(", ", source.Fields)}) is not in the mapping's lookup"));

    /// <summary>Maps one feature; null when it has an error (reported).</summary>
    /// <remarks>
    /// The feature being mapped, its id and its count of errors are fields rather than a closure: a closure and a
    /// delegate per field read were a fifth of what an import allocated.
    /// </remarks>
    public MappedObject? Map(SourceFeature feature)
    {
        current = feature;
        currentId = null;
        errors = 0;
        var sourceId = currentId = Read(DomainField.Id);

        if (sourceId is null) Error(fields.ContainsKey(DomainField.Id) ? "missing id: the id field is empty" : "missing id: no id field (map one with fields.id)");

        var geometry = CheckGeometry(feature, sourceId, errorAction);

        string? Organisation(DomainField field)
        {
            var key = Read(field);
            if (key is not null && !organisations.Contains(key))
            {
                Error($"unknown organisation: '{key}' in {Camel(field)} is not an organisation key (load organisations first, or map the value)");
            }
            return key;
        }

        var owner = Organisation(DomainField.Owner);
        var manager = Organisation(DomainField.Manager);
        var contractor = Organisation(DomainField.Contractor);
        var commissioner = Organisation(DomainField.Commissioner);
        var subcontractor = Organisation(DomainField.Subcontractor);

        string[]? tasks = null;
        if (Read(DomainField.TaskTypes) is { } taskText)
        {
            tasks = Split(taskText);
            foreach (var task in tasks.Where(t => !taskTypes.Contains(t)))
            {
                Error($"unknown task type: '{task}' is not a task type code (known: {string.Join(", ", taskTypes.Order())})");
            }
            if (tasks.Length == 0) tasks = null;
        }

        var validFrom = Date(DomainField.ValidFrom, Read(DomainField.ValidFrom), errorAction);
        var validTo = Date(DomainField.ValidTo, Read(DomainField.ValidTo), errorAction);
        if (validFrom is { } from && validTo is { } to && to < from)
        {
            Error($"dates make no sense: validTo {to:yyyy-MM-dd} is before validFrom {from:yyyy-MM-dd}");
        }

        string[]? covers = null;
        string? contractRef = null;
        string? responseTimes = null;
        if (options.Kind is LayerKind.Contract or LayerKind.Subcontract && Read(DomainField.ResponseTimes) is { } responseText)
        {
            responseTimes = ResponseTimes(responseText, tasks, errorAction);
        }
        switch (options.Kind)
        {
            case LayerKind.Contract:
                if (contractor is null) Error("missing contractor: a contract needs its contractor");
                if (commissioner is null) Error("missing commissioner: a contract needs the organisation that commissioned it");
                if (Read(DomainField.Objects) is { } objects)
                {
                    covers = Split(objects);
                    // The mapping's objectsLayer names the layer of bare ids; without it each entry says its own.
                    if (options.Mapping.ObjectsLayer is { } objectsLayer) covers = [.. covers.Select(c => $"{objectsLayer}:{c}")];
                    foreach (var bad in covers.Where(c => c.IndexOf(':', StringComparison.Ordinal) <= 0))
                    {
                        Error($"bad object reference: '{bad}' in objects is not a stable id of the form layer:id (or name the layer with objectsLayer in the mapping)");
                    }
                }
                if (geometry is null && covers is null && errors == 0) Error("no coverage: a contract needs an area geometry or a list of objects");
                break;
            case LayerKind.Subcontract:
                if (subcontractor is null) Error("missing subcontractor: a subcontract needs its subcontractor");
                var contract = Read(DomainField.Contract);
                var contractLayer = Read(DomainField.ContractLayer);
                if (contract is null) Error("missing contract: a subcontract needs the id of its contract");
                else if (contract.Contains(':', StringComparison.Ordinal)) contractRef = contract;
                else if (contractLayer is null) Error("missing contract layer: map contractLayer, or give the contract as layer:id");
                else contractRef = $"{contractLayer}:{contract}";
                break;
        }

        if (errors > 0) return null;

        // Still in the source CRS: the importer reprojects in batches (PostGIS may be the one to do it).
        return new MappedObject(
            sourceId!, feature.Number, Read(DomainField.Type), Read(DomainField.Name), Read(DomainField.Address),
            owner, manager, contractor, commissioner, subcontractor, contractRef, covers, tasks, validFrom, validTo,
            attributesWriter.Write(feature.Attributes), geometry, responseTimes);
    }

    /// <summary>
    /// A contract's response times: "48h", "2d" or "P2D" for every task it covers, or per task type as
    /// "graffiti=24h; pothole=4h" (a bare time among them is for the rest). As JSON, task type (or "*") → seconds.
    /// </summary>
    private string? ResponseTimes(string text, string[]? contractTasks, Action<string> error)
    {
        var times = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var entry in Split(text))
        {
            var split = entry.IndexOfAny(['=', ':']);
            var task = split < 0 ? "*" : entry[..split].Trim();
            var durationText = split < 0 ? entry : entry[(split + 1)..].Trim();
            if (task != "*" && !taskTypes.Contains(task))
            {
                error($"unknown task type: '{task}' in responseTimes is not a task type code");
                continue;
            }
            if (task != "*" && contractTasks is not null && !contractTasks.Contains(task))
            {
                error($"bad response time: '{task}' in responseTimes is not among the task types this contract covers ({string.Join(", ", contractTasks)})");
                continue;
            }
            if (ParseDuration(durationText) is not { } duration)
            {
                error($"bad response time: '{durationText}' in responseTimes is not a duration (use e.g. 4h, 2d, 30min or P2D)");
                continue;
            }
            if (!times.TryAdd(task, (long)duration.TotalSeconds))
            {
                error($"bad response time: '{task}' is given twice in responseTimes");
            }
        }
        return times.Count == 0 ? null : JsonSerializer.Serialize(times);
    }

    /// <summary>A positive duration of at most a year: a number with min, h or d, or ISO 8601 (P2D, PT4H).</summary>
    internal static TimeSpan? ParseDuration(string text)
    {
        TimeSpan duration;
        var match = System.Text.RegularExpressions.Regex.Match(text.Trim(), @"^(\d+(?:[.,]\d+)?)\s*(min|h|d)$", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        if (match.Success)
        {
            var amount = double.Parse(match.Groups[1].Value.Replace(',', '.'), CultureInfo.InvariantCulture);
            var days = match.Groups[2].Value.ToLowerInvariant() switch { "min" => amount / 1440, "h" => amount / 24, _ => amount };
            if (days > 366) return null; // also keeps TimeSpan from overflowing
            duration = TimeSpan.FromDays(days);
        }
        else if (text.Trim().StartsWith('P'))
        {
            try { duration = System.Xml.XmlConvert.ToTimeSpan(text.Trim()); }
            catch (Exception e) when (e is FormatException or OverflowException) { return null; }
        }
        else
        {
            return null;
        }
        return duration > TimeSpan.Zero && duration <= TimeSpan.FromDays(366) ? duration : null;
    }

    private Geometry? CheckGeometry(SourceFeature feature, string? sourceId, Action<string> error)
    {
        var geometry = feature.Geometry;
        if (geometry is null)
        {
            if (feature.GeometryError is not null) error($"unreadable geometry: {feature.GeometryError}");
            else if (options.Kind != LayerKind.Subcontract && options.Kind != LayerKind.Contract) error("no geometry: the feature has none");
            return null;
        }
        if (geometry.IsEmpty)
        {
            if (options.Kind is LayerKind.Subcontract or LayerKind.Contract) return null;
            error("empty geometry: the feature's geometry has no coordinates");
            return null;
        }

        var polygonal = geometry is Polygon or MultiPolygon;
        if (options.Kind is not LayerKind.Asset && !polygonal)
        {
            error($"wrong geometry type: a {geometry.GeometryType} in a {ImportOptions.KindName(options.Kind)} layer, which takes polygons");
            return null;
        }

        if (reprojectors is null)
        {
            throw new ImportException(
                $"{options.File}: feature {feature.Number} has a geometry, but the file does not say which coordinate system it is in. " +
                "Give it with --crs EPSG:N (for example --crs EPSG:3879), or \"crs\" in the mapping file.");
        }
        if (reprojectors.Area is { } area)
        {
            if (area.Check(feature.Number, geometry, out var outside) == AreaVerdict.Outside)
            {
                error(outside!);
                return null;
            }
        }
        else if (reprojectors.SourceIsGeographic)
        {
            var envelope = geometry.EnvelopeInternal;
            if (envelope.MinX < -180 || envelope.MaxX > 180 || envelope.MinY < -90 || envelope.MaxY > 90)
            {
                error($"coordinates out of range: ({envelope.MinX.ToString("G10", CultureInfo.InvariantCulture)} {envelope.MinY.ToString("G10", CultureInfo.InvariantCulture)}) is not longitude/latitude; is the source CRS right? (use --crs)");
                return null;
            }
        }

        if (QuickValidity.IsCertainlyValid(geometry)) return geometry;
        var validity = new IsValidOp(geometry).ValidationError;
        if (validity is null) return geometry;
        var where = $"{validity.Message} at ({validity.Coordinate.X.ToString("G12", CultureInfo.InvariantCulture)} {validity.Coordinate.Y.ToString("G12", CultureInfo.InvariantCulture)})";
        if (!options.MakeValid)
        {
            error($"invalid geometry: {where} (repair with --make-valid)");
            return null;
        }
        var fixedGeometry = GeometryFixer.Fix(geometry);
        if (fixedGeometry.IsEmpty || (polygonal && fixedGeometry is not (Polygon or MultiPolygon)))
        {
            error($"invalid geometry: {where}; repair left {(fixedGeometry.IsEmpty ? "nothing" : "a " + fixedGeometry.GeometryType)}");
            return null;
        }
        report.Add(new ImportProblem(feature.Number, sourceId, Severity.Repaired,
            $"invalid geometry repaired: {where}; {AreaChange.Describe(geometry.Area, fixedGeometry.Area, reprojectors.AreaUnit)}"));
        return fixedGeometry;
    }

    private IReadOnlyDictionary<DomainField, FieldSource> ResolveFields(IReadOnlyList<SourceField> sourceFields)
    {
        var names = sourceFields.Where(f => f.Ignored is null).Select(f => f.Name).ToList();
        var resolved = options.Mapping.Resolve(names);
        foreach (var (field, sourceField) in options.Mapping.ExplicitSourceFields)
        {
            if (names.Contains(sourceField, StringComparer.Ordinal)) continue;
            var sameButCase = names.FirstOrDefault(n => n.Equals(sourceField, StringComparison.OrdinalIgnoreCase));
            var ignored = sourceFields.FirstOrDefault(f => f.Ignored is not null && f.Name == sourceField);
            throw new ImportException(
                $"The mapping maps {Camel(field)} from the field '{sourceField}', which {(ignored is null ? "no feature of the file has" : $"is not read: {ignored.Ignored}")}"
                + (sameButCase is null ? "" : $" (names are case-sensitive: the file has '{sameButCase}')")
                + $". Its fields are: {(names.Count == 0 ? "none" : string.Join(", ", names))}.");
        }
        return resolved;
    }

    /// <summary>Every field of the file with the domain fields it feeds; all but the ignored ones are kept in the source attributes.</summary>
    private static List<FieldUse> FieldUses(IReadOnlyList<SourceField> sourceFields, IReadOnlyDictionary<DomainField, FieldSource> resolved) =>
        sourceFields.Select(f => new FieldUse(
                f.Name,
                f.Features,
                f.Ignored is null ? resolved.Where(r => r.Value.Fields.Contains(f.Name)).Select(r => Camel(r.Key)).Order(StringComparer.Ordinal).ToList() : [],
                f.Origin,
                f.Ignored))
            .ToList();

    private static DateOnly? Date(DomainField field, string? text, Action<string> error)
    {
        if (text is null) return null;
        // The date as written: "2024-03-01T00:00:00+02:00" is the 1st of March, not the 29th of February in UTC.
        string[] formats = ["yyyy-MM-dd", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mm:ss", "d.M.yyyy", "yyyyMMdd"];
        if (!DateTimeOffset.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var stamp))
        {
            error($"bad date: '{text}' in {Camel(field)} is not a date (use yyyy-mm-dd)");
            return null;
        }
        var parsed = stamp.DateTime;
        if (parsed.Year is < 1900 or > 2200)
        {
            error($"dates make no sense: {Camel(field)} {parsed:yyyy-MM-dd} is outside 1900–2200");
            return null;
        }
        return DateOnly.FromDateTime(parsed);
    }

    private static string[] Split(string text) =>
        text.Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Camel(DomainField field) => char.ToLowerInvariant(field.ToString()[0]) + field.ToString()[1..];
}
