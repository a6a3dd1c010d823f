//! Charts as plain, deterministic SVG: stacked bars, a waterfall, horizontal bars and index
//! lines. No fonts are fetched (the generic `sans-serif` family), no randomness, no clock:
//! the same data gives the same bytes.
//!
//! **Declared f64 boundary.** Pixel positions are computed in `f64`: a chart is a picture,
//! and nothing computed here flows back into a figure. Values arrive as exact decimals with
//! their labels (the labels show the exactly rounded value, formatted by `report::lang`
//! before they reach this module), and are converted to `f64` only to place marks. Every
//! coordinate is written with one decimal place, so the output does not depend on the
//! last bits of a float. This is the one module of `report` that allows `f64`
//! (see clippy.toml and docs/methodology.md on declared boundaries).
#![allow(clippy::disallowed_types, clippy::float_arithmetic)]

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::fmt::Write as _;

/// Colours of series, in order (colour-blind safe palette, Okabe–Ito).
pub const PALETTE: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
];

const W: f64 = 640.0;
const H: f64 = 360.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 60.0;

/// A value with the text shown beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Point {
    /// Exact value.
    pub value: Decimal,
    /// Presented value (already rounded and formatted).
    pub shown: String,
}

/// A named series of values (one per category).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// Legend label.
    pub label: String,
    /// Values, one per category (`None`: no value in that category).
    pub points: Vec<Option<Point>>,
}

/// Escapes text for XML.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

fn open(id: &str, title: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{}\" class=\"chart\" viewBox=\"0 0 {W:.0} {H:.0}\" width=\"{W:.0}\" height=\"{H:.0}\" role=\"img\" aria-label=\"{}\" font-family=\"sans-serif\" font-size=\"11\">\n<title>{}</title>\n<rect x=\"0\" y=\"0\" width=\"{W:.0}\" height=\"{H:.0}\" fill=\"#ffffff\"/>\n<text x=\"{:.1}\" y=\"22\" font-size=\"14\" font-weight=\"bold\">{}</text>\n",
        esc(id),
        esc(title),
        esc(title),
        LEFT,
        esc(title)
    )
}

/// A "nice" axis maximum: 1, 2 or 5 × 10^k at or above `max`.
fn nice(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let mut step = 1.0;
    while step * 10.0 <= max {
        step *= 10.0;
    }
    while step > max {
        step /= 10.0;
    }
    for m in [1.0, 2.0, 5.0, 10.0] {
        if step * m >= max {
            return step * m;
        }
    }
    step * 10.0
}

/// Axis label of a tick value: plain, or in thousands/millions with a suffix.
fn tick(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e3 {
        format!("{:.0}k", v / 1e3)
    } else if a >= 1.0 || a == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// Horizontal grid lines and value ticks from `lo` to `hi` over the plot area.
fn grid(s: &mut String, lo: f64, hi: f64) {
    let plot_h = H - TOP - BOTTOM;
    for i in 0..=4 {
        let v = lo + (hi - lo) * f64::from(i) / 4.0;
        let y = TOP + plot_h - (v - lo) / (hi - lo) * plot_h;
        let _ = writeln!(
            s,
            "<line x1=\"{LEFT:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#dddddd\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            W - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            esc(&tick(v))
        );
    }
}

/// Approximate width of a label at 11 px: CJK characters are about twice as wide.
fn text_width(l: &str) -> f64 {
    l.chars()
        .map(|c| if c >= '\u{2e80}' { 11.0 } else { 6.5 })
        .sum()
}

fn legend(s: &mut String, labels: &[&str]) {
    let mut x = LEFT;
    let y = H - 18.0;
    for (i, l) in labels.iter().enumerate() {
        let _ = writeln!(
            s,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{y:.1}\">{}</text>",
            y - 9.0,
            PALETTE[i % PALETTE.len()],
            x + 14.0,
            esc(l)
        );
        x += 14.0 + text_width(l) + 16.0;
    }
}

/// Stacked vertical bars: one bar per category, one segment per series (negative values
/// are drawn as zero-height; they do not occur in emissions by scope).
pub fn stacked_bars(id: &str, title: &str, categories: &[String], series: &[Series]) -> String {
    let mut s = open(id, title);
    let totals: Vec<f64> = (0..categories.len())
        .map(|i| {
            series
                .iter()
                .filter_map(|se| se.points.get(i).and_then(|p| p.as_ref()))
                .map(|p| f(p.value).max(0.0))
                .sum()
        })
        .collect();
    let hi = nice(totals.iter().copied().fold(0.0, f64::max));
    grid(&mut s, 0.0, hi);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let n = categories.len().max(1) as f64;
    let slot = plot_w / n;
    let bw = (slot * 0.5).min(90.0);
    for (i, cat) in categories.iter().enumerate() {
        let x = LEFT + slot * i as f64 + (slot - bw) / 2.0;
        let mut y = TOP + plot_h;
        for (k, se) in series.iter().enumerate() {
            let Some(Some(p)) = se.points.get(i) else {
                continue;
            };
            let h = f(p.value).max(0.0) / hi * plot_h;
            y -= h;
            let _ = writeln!(
                s,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bw:.1}\" height=\"{h:.1}\" fill=\"{}\"><title>{} {}: {}</title></rect>",
                PALETTE[k % PALETTE.len()],
                esc(cat),
                esc(&se.label),
                esc(&p.shown)
            );
        }
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            x + bw / 2.0,
            TOP + plot_h + 16.0,
            esc(cat)
        );
    }
    let labels: Vec<&str> = series.iter().map(|se| se.label.as_str()).collect();
    legend(&mut s, &labels);
    s.push_str("</svg>\n");
    s
}

/// A waterfall: the start bar, one floating bar per step (rise or fall), the end bar.
pub fn waterfall(
    id: &str,
    title: &str,
    start: (&str, &Point),
    steps: &[(String, Point)],
    end: (&str, &Point),
) -> String {
    let mut s = open(id, title);
    let mut level = f(start.1.value);
    let mut lo = level.min(0.0);
    let mut hi = level.max(f(end.1.value));
    for (_, p) in steps {
        level += f(p.value);
        lo = lo.min(level);
        hi = hi.max(level);
    }
    let hi = nice(hi);
    let lo = if lo < 0.0 { -nice(-lo) } else { 0.0 };
    grid(&mut s, lo, hi);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let yof = |v: f64| TOP + plot_h - (v - lo) / (hi - lo) * plot_h;
    let n = (steps.len() + 2) as f64;
    let slot = plot_w / n;
    let bw = slot * 0.6;
    let bar = |s: &mut String, i: usize, a: f64, b: f64, fill: &str, label: &str, shown: &str| {
        let x = LEFT + slot * i as f64 + (slot - bw) / 2.0;
        let (top, bottom) = (yof(a.max(b)), yof(a.min(b)));
        let _ = writeln!(
            s,
            "<rect x=\"{x:.1}\" y=\"{top:.1}\" width=\"{bw:.1}\" height=\"{:.1}\" fill=\"{fill}\"><title>{}: {}</title></rect><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"10\">{}</text>",
            (bottom - top).max(0.5),
            esc(label),
            esc(shown),
            x + bw / 2.0,
            top - 4.0,
            esc(shown)
        );
        // Category labels are rotated so that long effect names fit.
        let _ = writeln!(
            s,
            "<text transform=\"translate({:.1},{:.1}) rotate(20)\" font-size=\"10\">{}</text>",
            x + 2.0,
            TOP + plot_h + 12.0,
            esc(label)
        );
    };
    let v0 = f(start.1.value);
    bar(&mut s, 0, 0.0, v0, PALETTE[0], start.0, &start.1.shown);
    let mut level = v0;
    for (i, (label, p)) in steps.iter().enumerate() {
        let next = level + f(p.value);
        let fill = if f(p.value) < 0.0 {
            PALETTE[2]
        } else {
            PALETTE[5]
        };
        bar(&mut s, i + 1, level, next, fill, label, &p.shown);
        level = next;
    }
    bar(
        &mut s,
        steps.len() + 1,
        0.0,
        f(end.1.value),
        PALETTE[0],
        end.0,
        &end.1.shown,
    );
    s.push_str("</svg>\n");
    s
}

/// Horizontal bars, largest first as given, with the presented value at the bar's end.
pub fn hbars(id: &str, title: &str, items: &[(String, Point)]) -> String {
    let mut s = open(id, title);
    let label_w = 230.0;
    let x0 = 10.0 + label_w;
    let plot_w = W - x0 - 90.0;
    let max = items
        .iter()
        .map(|(_, p)| f(p.value).max(0.0))
        .fold(0.0, f64::max);
    let hi = if max > 0.0 { max } else { 1.0 };
    let n = items.len().max(1) as f64;
    let row = ((H - TOP - 20.0) / n).min(34.0);
    for (i, (label, p)) in items.iter().enumerate() {
        let y = TOP + row * i as f64;
        let w = f(p.value).max(0.0) / hi * plot_w;
        let shown_label: String = if label.chars().count() > 36 {
            let mut t: String = label.chars().take(35).collect();
            t.push('…');
            t
        } else {
            label.clone()
        };
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text><rect x=\"{x0:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{}\"><title>{}: {}</title></rect><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            x0 - 6.0,
            y + row * 0.6,
            esc(&shown_label),
            y + row * 0.15,
            row * 0.7,
            PALETTE[i % PALETTE.len()],
            esc(label),
            esc(&p.shown),
            x0 + w + 4.0,
            y + row * 0.6,
            esc(&p.shown)
        );
    }
    s.push_str("</svg>\n");
    s
}

/// Index lines: each series against its first category (= 100), with a reference line at 100.
pub fn index_lines(id: &str, title: &str, categories: &[String], series: &[Series]) -> String {
    let mut s = open(id, title);
    let mut hi: f64 = 100.0;
    let mut lo: f64 = 100.0;
    for se in series {
        for p in se.points.iter().flatten() {
            hi = hi.max(f(p.value));
            lo = lo.min(f(p.value));
        }
    }
    let hi = (hi / 20.0).ceil() * 20.0 + 20.0;
    let lo = ((lo / 20.0).floor() * 20.0 - 20.0).max(0.0);
    grid(&mut s, lo, hi);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let n = categories.len().max(1) as f64;
    let slot = plot_w / n;
    let xof = |i: usize| LEFT + slot * i as f64 + slot / 2.0;
    let yof = |v: f64| TOP + plot_h - (v - lo) / (hi - lo) * plot_h;
    let _ = writeln!(
        s,
        "<line x1=\"{LEFT:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#888888\" stroke-dasharray=\"4 3\"/>",
        W - RIGHT,
        y = yof(100.0)
    );
    for (i, c) in categories.iter().enumerate() {
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            xof(i),
            TOP + plot_h + 16.0,
            esc(c)
        );
    }
    for (k, se) in series.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        let pts: Vec<String> = se
            .points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                p.as_ref()
                    .map(|p| format!("{:.1},{:.1}", xof(i), yof(f(p.value))))
            })
            .collect();
        let _ = writeln!(
            s,
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"/>",
            pts.join(" ")
        );
        for (i, p) in se.points.iter().enumerate() {
            if let Some(p) = p {
                let _ = writeln!(
                    s,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{colour}\"><title>{} {}: {}</title></circle>",
                    xof(i),
                    yof(f(p.value)),
                    esc(&se.label),
                    esc(&categories[i]),
                    esc(&p.shown)
                );
            }
        }
    }
    let labels: Vec<&str> = series.iter().map(|se| se.label.as_str()).collect();
    legend(&mut s, &labels);
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_axis_maxima() {
        assert!((nice(309_086.7) - 500_000.0).abs() < 1e-6);
        assert!((nice(1.0) - 1.0).abs() < 1e-9);
        assert!((nice(0.55) - 1.0).abs() < 1e-9);
        assert!((nice(150.0) - 200.0).abs() < 1e-9);
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
