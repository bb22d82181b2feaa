using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace FlowRelay.Config;

/// <summary>Prints settings as YAML with the same keys the file uses, so <c>validate</c> shows what will actually run.</summary>
public static class SettingsPrinter
{
    /// <summary>The effective settings as YAML text.</summary>
    public static string ToYaml(RelaySettings settings)
    {
        var sb = new StringBuilder();
        WriteObject(sb, settings, 0);
        return sb.ToString();
    }

    private static void WriteObject(StringBuilder sb, object obj, int indent, bool firstInListItem = false)
    {
        bool first = true;
        foreach (var prop in obj.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var key = prop.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name;
            if (key is null) continue;
            var value = prop.GetValue(obj);
            string pad = firstInListItem && first ? "" : new string(' ', indent);
            first = false;
            if (value is null)
            {
                sb.Append(pad).Append(key).Append(": ~\n");
            }
            else if (IsScalar(prop.PropertyType))
            {
                sb.Append(pad).Append(key).Append(": ").Append(Scalar(value)).Append('\n');
            }
            else if (value is IDictionary map)
            {
                if (map.Count == 0)
                {
                    sb.Append(pad).Append(key).Append(": {}\n");
                    continue;
                }
                sb.Append(pad).Append(key).Append(":\n");
                foreach (DictionaryEntry entry in map)
                {
                    string name = (string)entry.Key;
                    string entryPad = new string(' ', indent + 2);
                    if (entry.Value is null || IsScalar(entry.Value.GetType()))
                    {
                        sb.Append(entryPad).Append(name).Append(": ").Append(entry.Value is null ? "~" : Scalar(entry.Value)).Append('\n');
                        continue;
                    }
                    var items = ((IEnumerable)entry.Value).Cast<object>().ToList();
                    if (items.Count == 0)
                    {
                        sb.Append(entryPad).Append(name).Append(": []\n");
                        continue;
                    }
                    sb.Append(entryPad).Append(name).Append(":\n");
                    foreach (var item in items) sb.Append(entryPad).Append("  - ").Append(Scalar(item)).Append('\n');
                }
            }
            else if (value is IEnumerable list)
            {
                var items = list.Cast<object>().ToList();
                if (items.Count == 0)
                {
                    sb.Append(pad).Append(key).Append(": []\n");
                    continue;
                }
                sb.Append(pad).Append(key).Append(":\n");
                foreach (var item in items)
                {
                    sb.Append(new string(' ', indent + 2)).Append("- ");
                    if (IsScalar(item.GetType())) sb.Append(Scalar(item)).Append('\n');
                    else WriteObject(sb, item, indent + 4, firstInListItem: true);
                }
            }
            else
            {
                sb.Append(pad).Append(key).Append(":\n");
                WriteObject(sb, value, indent + 2);
            }
        }
    }

    private static bool IsScalar(Type t) => t.IsPrimitive || t == typeof(string) || t.GetCustomAttribute<TypeConverterAttribute>() is not null;

    private static string Scalar(object value) => value switch
    {
        string s => Quote(s),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
