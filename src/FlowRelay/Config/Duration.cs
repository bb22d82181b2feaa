using System.ComponentModel;
using System.Globalization;

namespace FlowRelay.Config;

/// <summary>
/// A length of time written the way people write it in a config file: a number and a unit
/// (<c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>1h</c>, <c>7d</c>), or several such parts (<c>1h30m</c>).
/// </summary>
[TypeConverter(typeof(DurationConverter))]
public readonly record struct Duration(TimeSpan Value) : IComparable<Duration>
{
    private static readonly (string Unit, long Ticks)[] Units =
    [
        ("d", TimeSpan.TicksPerDay),
        ("h", TimeSpan.TicksPerHour),
        ("m", TimeSpan.TicksPerMinute),
        ("s", TimeSpan.TicksPerSecond),
        ("ms", TimeSpan.TicksPerMillisecond),
    ];

    public static Duration FromSeconds(double seconds) => new(TimeSpan.FromSeconds(seconds));
    public static Duration FromMinutes(double minutes) => new(TimeSpan.FromMinutes(minutes));
    public static Duration FromHours(double hours) => new(TimeSpan.FromHours(hours));
    public static Duration FromMilliseconds(double ms) => new(TimeSpan.FromMilliseconds(ms));

    /// <summary>Parses text such as <c>30s</c> or <c>1h30m</c>; throws <see cref="FormatException"/> saying what is allowed.</summary>
    public static Duration Parse(string text)
    {
        if (TryParse(text, out var d)) return d;
        throw new FormatException($"'{text}' is not a duration: use a number and a unit (ms, s, m, h, d), e.g. 30s, 5m, 1h30m");
    }

    /// <summary>Parses text such as <c>30s</c> or <c>1h30m</c>.</summary>
    public static bool TryParse(string? text, out Duration duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim().AsSpan();
        long ticks = 0;
        bool any = false;
        while (!s.IsEmpty)
        {
            int n = 0;
            while (n < s.Length && (char.IsAsciiDigit(s[n]) || s[n] == '.')) n++;
            if (n == 0) return false;
            if (!double.TryParse(s[..n], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number)) return false;
            s = s[n..];
            int u = 0;
            while (u < s.Length && char.IsAsciiLetter(s[u])) u++;
            if (u == 0) return false;
            var unit = s[..u];
            long per = 0;
            foreach (var (name, t) in Units)
            {
                if (unit.Equals(name, StringComparison.OrdinalIgnoreCase)) { per = t; break; }
            }
            if (per == 0) return false;
            double add = number * per;
            if (add > long.MaxValue - ticks) return false;
            ticks += (long)add;
            s = s[u..];
            any = true;
        }
        if (!any) return false;
        duration = new Duration(TimeSpan.FromTicks(ticks));
        return true;
    }

    /// <summary>The shortest exact form, e.g. <c>90s</c> becomes <c>1m30s</c>.</summary>
    public override string ToString()
    {
        long ticks = Value.Ticks;
        if (ticks == 0) return "0s";
        if (ticks % TimeSpan.TicksPerMillisecond != 0) return Value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture) + "ms";
        var parts = new System.Text.StringBuilder();
        foreach (var (name, t) in Units)
        {
            long n = ticks / t;
            if (n == 0) continue;
            parts.Append(n.ToString(CultureInfo.InvariantCulture)).Append(name);
            ticks -= n * t;
        }
        return parts.ToString();
    }

    public int CompareTo(Duration other) => Value.CompareTo(other.Value);

    public static bool operator <(Duration a, Duration b) => a.Value < b.Value;
    public static bool operator >(Duration a, Duration b) => a.Value > b.Value;
    public static bool operator <=(Duration a, Duration b) => a.Value <= b.Value;
    public static bool operator >=(Duration a, Duration b) => a.Value >= b.Value;
}
