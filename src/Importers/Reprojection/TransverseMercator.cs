using ProjNet.CoordinateSystems;
using ProjNet.CoordinateSystems.Transformations;

namespace DigitalTwin.Importers.Reprojection;

/// <summary>One step of a reprojection over a run of coordinates, in place.</summary>
internal interface ICoordinateStep
{
    void Apply(Span<double> xs, Span<double> ys, Span<double> zs);
}

/// <summary>A ProjNet transform as a step: each point with its own z (a datum shift writes a height there).</summary>
internal sealed class ProjNetStep(MathTransform transform) : ICoordinateStep
{
    public void Apply(Span<double> xs, Span<double> ys, Span<double> zs) => transform.Transform(xs, ys, zs);
}

/// <summary>
/// The transverse Mercator projection by Krüger's series to the sixth order in n, as PROJ computes it (Poder and
/// Engsager's "etmerc", the algorithm of Karney 2011, "Transverse Mercator with an accuracy of a few nanometers"),
/// between longitude/latitude in degrees on the CRS's own ellipsoid and its easting/northing.
/// </summary>
/// <remarks>
/// ProjNet's transverse Mercator is the older series of Snyder, whose inverse drifts by a centimetre and more some
/// 8° from the central meridian (1.5 cm in the north-east of SWEREF 99 TM, 4 mm at Finland's edges in TM35FIN), so
/// those CRSs would have to go through PostGIS to land within a centimetre of it. Krüger's series is exact to
/// micrometres within 4,000 km of the central meridian, and as fast.
/// </remarks>
internal sealed class TransverseMercator : ICoordinateStep
{
    private const double Degrees = Math.PI / 180;

    private readonly bool inverse;
    private readonly double e;
    private readonly double scaledRadius;
    private readonly double centralMeridian;
    private readonly double falseEasting;
    private readonly double falseNorthing;
    private readonly double metresPerUnit;
    private readonly double[] alpha;
    private readonly double[] beta;
    private readonly double[] delta;
    private readonly double originNorthing;

    private TransverseMercator(bool inverse, double a, double inverseFlattening, double latitudeOfOrigin, double centralMeridian,
        double scale, double falseEasting, double falseNorthing, double metresPerUnit)
    {
        this.inverse = inverse;
        var f = 1 / inverseFlattening;
        var n = f / (2 - f);
        double n2 = n * n, n3 = n2 * n, n4 = n3 * n, n5 = n4 * n, n6 = n5 * n;
        e = Math.Sqrt(f * (2 - f));
        scaledRadius = scale * a / (1 + n) * (1 + n2 / 4 + n4 / 64 + n6 / 256);
        this.centralMeridian = centralMeridian * Degrees;
        this.falseEasting = falseEasting;
        this.falseNorthing = falseNorthing;
        this.metresPerUnit = metresPerUnit;
        alpha =
        [
            n / 2 - 2.0 / 3 * n2 + 5.0 / 16 * n3 + 41.0 / 180 * n4 - 127.0 / 288 * n5 + 7891.0 / 37800 * n6,
            13.0 / 48 * n2 - 3.0 / 5 * n3 + 557.0 / 1440 * n4 + 281.0 / 630 * n5 - 1983433.0 / 1935360 * n6,
            61.0 / 240 * n3 - 103.0 / 140 * n4 + 15061.0 / 26880 * n5 + 167603.0 / 181440 * n6,
            49561.0 / 161280 * n4 - 179.0 / 168 * n5 + 6601661.0 / 7257600 * n6,
            34729.0 / 80640 * n5 - 3418889.0 / 1995840 * n6,
            212378941.0 / 319334400 * n6,
        ];
        beta =
        [
            n / 2 - 2.0 / 3 * n2 + 37.0 / 96 * n3 - 1.0 / 360 * n4 - 81.0 / 512 * n5 + 96199.0 / 604800 * n6,
            1.0 / 48 * n2 + 1.0 / 15 * n3 - 437.0 / 1440 * n4 + 46.0 / 105 * n5 - 1118711.0 / 3870720 * n6,
            17.0 / 480 * n3 - 37.0 / 840 * n4 - 209.0 / 4480 * n5 + 5569.0 / 90720 * n6,
            4397.0 / 161280 * n4 - 11.0 / 504 * n5 - 830251.0 / 7257600 * n6,
            4583.0 / 161280 * n5 - 108847.0 / 3991680 * n6,
            20648693.0 / 638668800 * n6,
        ];
        // From the conformal latitude to the latitude (Karney 2011, equation 37; PROJ's "cgb").
        delta =
        [
            2 * n - 2.0 / 3 * n2 - 2 * n3 + 116.0 / 45 * n4 + 26.0 / 45 * n5 - 2854.0 / 675 * n6,
            7.0 / 3 * n2 - 8.0 / 5 * n3 - 227.0 / 45 * n4 + 2704.0 / 315 * n5 + 2323.0 / 945 * n6,
            56.0 / 15 * n3 - 136.0 / 35 * n4 - 1262.0 / 105 * n5 + 73814.0 / 2835 * n6,
            4279.0 / 630 * n4 - 332.0 / 35 * n5 - 399572.0 / 14175 * n6,
            4174.0 / 315 * n5 - 144838.0 / 6237 * n6,
            601676.0 / 22275 * n6,
        ];
        originNorthing = latitudeOfOrigin == 0 ? 0 : Forward(latitudeOfOrigin * Degrees, 0).Northing;
    }

    /// <summary>
    /// The step from or to a projected CRS, when it is a transverse Mercator in metres (or another linear unit) on a
    /// Greenwich-based geographic CRS in degrees; null otherwise, and ProjNet's own transform stands.
    /// </summary>
    /// <param name="projected">The projected CRS.</param>
    /// <param name="inverse">True for easting/northing to longitude/latitude.</param>
    public static TransverseMercator? For(ProjectedCoordinateSystem projected, bool inverse)
    {
        var name = projected.Projection.ClassName.Replace(" ", "_", StringComparison.Ordinal);
        if (!name.Equals("Transverse_Mercator", StringComparison.OrdinalIgnoreCase)) return null;
        var geographic = projected.GeographicCoordinateSystem;
        if (geographic.PrimeMeridian.Longitude != 0 || Math.Abs(geographic.AngularUnit.RadiansPerUnit - Degrees) > 1e-15) return null;
        var ellipsoid = geographic.HorizontalDatum.Ellipsoid;
        double Parameter(string parameter, double fallback)
        {
            for (var i = 0; i < projected.Projection.NumParameters; i++)
            {
                var candidate = projected.Projection.GetParameter(i);
                if (candidate.Name.Equals(parameter, StringComparison.OrdinalIgnoreCase)) return candidate.Value;
            }
            return fallback;
        }
        var metresPerUnit = projected.LinearUnit.MetersPerUnit;
        return new TransverseMercator(
            inverse,
            ellipsoid.SemiMajorAxis * ellipsoid.AxisUnit.MetersPerUnit,
            ellipsoid.InverseFlattening,
            Parameter("latitude_of_origin", 0),
            Parameter("central_meridian", 0),
            Parameter("scale_factor", 1),
            // ProjNet keeps false easting and northing in the CRS's unit.
            Parameter("false_easting", 0) * metresPerUnit,
            Parameter("false_northing", 0) * metresPerUnit,
            metresPerUnit);
    }

    public void Apply(Span<double> xs, Span<double> ys, Span<double> zs)
    {
        for (var i = 0; i < xs.Length; i++)
        {
            if (inverse)
            {
                var (longitude, latitude) = Inverse(xs[i] * metresPerUnit - falseEasting, ys[i] * metresPerUnit - falseNorthing + originNorthing);
                xs[i] = longitude / Degrees;
                ys[i] = latitude / Degrees;
            }
            else
            {
                var (easting, northing) = Forward(ys[i] * Degrees, xs[i] * Degrees - centralMeridian);
                xs[i] = (easting + falseEasting) / metresPerUnit;
                ys[i] = (northing - originNorthing + falseNorthing) / metresPerUnit;
            }
        }
    }

    /// <summary>Latitude and longitude from the central meridian, in radians, to metres from the projection's equator crossing.</summary>
    private (double Easting, double Northing) Forward(double latitude, double longitude)
    {
        var tau = Math.Tan(latitude);
        var sigma = Math.Sinh(e * Math.Atanh(e * tau / Math.Sqrt(1 + tau * tau)));
        var conformal = tau * Math.Sqrt(1 + sigma * sigma) - sigma * Math.Sqrt(1 + tau * tau);
        var xiPrime = Math.Atan2(conformal, Math.Cos(longitude));
        var etaPrime = Math.Asinh(Math.Sin(longitude) / Math.Sqrt(conformal * conformal + Math.Cos(longitude) * Math.Cos(longitude)));
        var (re, im) = SineSeries(alpha, xiPrime, etaPrime);
        return (scaledRadius * (etaPrime + im), scaledRadius * (xiPrime + re));
    }

    /// <summary>Metres from the projection's equator crossing to longitude and latitude in radians.</summary>
    private (double Longitude, double Latitude) Inverse(double easting, double northing)
    {
        var xi = northing / scaledRadius;
        var eta = easting / scaledRadius;
        var (re, im) = SineSeries(beta, xi, eta);
        double xiPrime = xi - re, etaPrime = eta - im;
        var sinhEta = Math.Sinh(etaPrime);
        var cosXi = Math.Cos(xiPrime);
        var conformal = Math.Atan2(Math.Sin(xiPrime), Math.Sqrt(sinhEta * sinhEta + cosXi * cosXi));
        var sin = Math.Sin(2 * conformal);
        var a = 2 * Math.Cos(2 * conformal);
        double b1 = 0, b2 = 0;
        for (var k = delta.Length - 1; k >= 0; k--) (b2, b1) = (b1, a * b1 - b2 + delta[k]);
        return (centralMeridian + Math.Atan2(sinhEta, cosXi), conformal + b1 * sin);
    }

    /// <summary>
    /// Σ c[j-1] sin(2jζ) for ζ = ξ + iη, by Clenshaw's recurrence on complex numbers: one sine, cosine and exponential
    /// a point instead of six of each.
    /// </summary>
    private static (double Re, double Im) SineSeries(double[] c, double xi, double eta)
    {
        double sin = Math.Sin(2 * xi), cos = Math.Cos(2 * xi), exp = Math.Exp(2 * eta);
        double sinh = (exp - 1 / exp) / 2, cosh = (exp + 1 / exp) / 2;
        // 2 cos 2ζ, and b(k) = 2 cos 2ζ · b(k+1) − b(k+2) + c(k) from the last term down.
        double ar = 2 * cos * cosh, ai = -2 * sin * sinh;
        double b1r = 0, b1i = 0, b2r = 0, b2i = 0;
        for (var k = c.Length - 1; k >= 0; k--)
        {
            var r = ar * b1r - ai * b1i - b2r + c[k];
            var i = ar * b1i + ai * b1r - b2i;
            (b2r, b2i, b1r, b1i) = (b1r, b1i, r, i);
        }
        // The sum is b(1) · sin 2ζ.
        double sr = sin * cosh, si = cos * sinh;
        return (b1r * sr - b1i * si, b1r * si + b1i * sr);
    }
}
