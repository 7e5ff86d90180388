using System.Globalization;
using System.Text;

namespace Relance.Cli.Rebuilding;

/// <summary>The rebuild report as a person reads it: one line per projection, then each difference.</summary>
public static class RebuildText
{
    const int ShownDifferences = 20;

    public static string Render(RebuildReport report)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(report.Mode == RebuildMode.Check
            ? "projections rebuild --check: rebuilt into temporary tables and compared; nothing replaced"
            : "projections rebuild: rebuilt and replaced; compared with what the store held before");
        foreach (var store in report.Stores)
        {
            text.AppendLine(c, $"{store.Service}: {store.EventsReplayed} events in {store.Streams} streams replayed in {store.Seconds:0.000} s ({store.EventsPerSecond:0} events/s)");
            foreach (var p in store.Projections)
            {
                var cmp = p.Comparison;
                text.AppendLine(c, $"  {(p.Matches ? "ok  " : "DIFF")} {p.Projection,-20} {p.Table,-32} before {p.DocumentsBefore,6}  after {p.DocumentsAfter,6}  identical {cmp.Identical,6}  changed {cmp.Changed.Count}  missing {cmp.Missing.Count}  extra {cmp.Extra.Count}  ({p.EventsApplied} events, {p.Seconds:0.000} s, {p.DocumentsPerSecond:0} documents/s)");
                foreach (var changed in cmp.Changed.Take(ShownDifferences))
                    text.AppendLine(c, $"       changed {changed.Id} at {changed.Path}: stored {changed.Stored ?? "(absent)"}, rebuilt {changed.Rebuilt ?? "(absent)"}");
                foreach (var id in cmp.Missing.Take(ShownDifferences)) text.AppendLine(c, $"       missing {id}: its events make a document the store did not hold");
                foreach (var id in cmp.Extra.Take(ShownDifferences)) text.AppendLine(c, $"       extra   {id}: the store held a document no event makes");
                var more = cmp.Changed.Count + cmp.Missing.Count + cmp.Extra.Count - Math.Min(cmp.Changed.Count, ShownDifferences) - Math.Min(cmp.Missing.Count, ShownDifferences) - Math.Min(cmp.Extra.Count, ShownDifferences);
                if (more > 0) text.AppendLine(c, $"       … and {more} more (--json lists them all)");
            }
        }
        text.AppendLine(report.Matches
            ? "result: every projection matches its events."
            : report.Mode == RebuildMode.Check
                ? "result: MISMATCH: the stored documents above differ from what their events make (nothing was changed; rebuild without --check to repair)."
                : "result: MISMATCH: the store held documents that differed from their events; they are now rebuilt from the events.");
        return text.ToString();
    }
}
