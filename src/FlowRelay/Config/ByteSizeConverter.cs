using System.ComponentModel;
using System.Globalization;

namespace FlowRelay.Config;

/// <summary>Lets Microsoft.Extensions.Configuration bind <see cref="ByteSize"/> from text.</summary>
public sealed class ByteSizeConverter : TypeConverter
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) =>
        sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string s ? ByteSize.Parse(s) : base.ConvertFrom(context, culture, value);

    public override object? ConvertTo(ITypeDescriptorContext? context, CultureInfo? culture, object? value, Type destinationType) =>
        destinationType == typeof(string) && value is ByteSize b ? b.ToString() : base.ConvertTo(context, culture, value, destinationType);
}
