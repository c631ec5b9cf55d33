//! The map as SVG, drawn as the canvas draws it: the same layout (`geometry`), labels
//! (`labels`) and colours (`colours`); text stays text. A title above, legends below.

use std::fmt::Write;

use crate::analysis::Analysis;
use crate::colours;
use crate::geometry::{self, PinShape, Point, Rect};
use crate::model::{Anchor, Category, Document, Loop};
use crate::present::{self, xml};

const MARGIN: f64 = 40.0;
const TITLE: f64 = 56.0;
const LEGEND: f64 = 150.0;
const FONT: &str = "Ubuntu, 'Ubuntu Light', 'DejaVu Sans', Arial, sans-serif";
const TEXT: &str = "#141414";

/// Words into lines of at most `width` characters (a long word gets a line of its own).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// How a picture is drawn, beyond the map itself (the editor's View settings).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Picture {
    /// Uncertain flows with a lighter band of ± σ and the σ in their labels (View ▸
    /// Ranges).
    pub ranges: bool,
    /// Residues into shared sinks end in stubs beside their stage (View ▸ Residues as
    /// stubs).
    pub stubs: bool,
}

/// The SVG document of a map with its analysis (baseline or a scenario's).
pub fn map_svg(doc: &Document, analysis: &Analysis, subtitle: &str, picture: Picture) -> String {
    let sigma = |f: usize| -> Option<f64> {
        let s = analysis
            .uncertainty
            .as_ref()?
            .flow_sigma
            .get(f)
            .copied()
            .flatten()?;
        (picture.ranges && s > 0.0).then_some(s)
    };
    // A map written without positions is drawn arranged.
    let arranged;
    let doc = if crate::layout::needs_arrange(doc) {
        let mut copy = doc.clone();
        let options = crate::layout::Options::default();
        crate::layout::arrange_in_place(&mut copy, &analysis.solution.flows, options);
        arranged = copy;
        &arranged
    } else {
        doc
    };
    let drawing = crate::layout::Drawing {
        stubs: picture.stubs,
        ..crate::layout::Drawing::SANKEY
    };
    let layout = crate::layout::shapes(doc, &analysis.solution.flows, drawing);
    let amounts = &analysis.solution.flows;
    let texts = crate::layout::labels::flow_texts(doc, &layout.flows, amounts, sigma);
    let pin_boxes: Vec<Rect> = doc
        .pain_points
        .iter()
        .zip(&layout.pins)
        .filter_map(|(p, c)| {
            let r = 2.0 * geometry::pin_radius(p.votes()) + 2.0;
            c.map(|c| Rect::from_center(c, [r, r]))
        })
        .collect();
    let labels = crate::layout::labels::picture_labels(&layout, &texts, &pin_boxes);
    let bounds = labels
        .iter()
        .flatten()
        .map(|l| l.rect)
        .fold(layout.bounds(), |b, r| Some(b.map_or(r, |b| b.union(&r))))
        .unwrap_or(Rect {
            min: Point::new(0.0, 0.0),
            max: Point::new(400.0, 200.0),
        });
    let map_pins = doc.pain_points.iter().any(|p| p.on == Anchor::Map);
    let top = TITLE + if map_pins { 50.0 } else { 0.0 };
    let width = (bounds.max.x - bounds.min.x + 2.0 * MARGIN).max(760.0);
    let legend_height = LEGEND + PIN_ROW * doc.pain_points.len() as f64;
    let height = bounds.max.y - bounds.min.y + 2.0 * MARGIN + top + legend_height;
    // Canvas point -> SVG point.
    let dx = MARGIN - bounds.min.x;
    let dy = MARGIN + top - bounds.min.y;
    let at = |p: Point| (p.x + dx, p.y + dy);

    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="{FONT}">"#
    );
    let _ = writeln!(
        out,
        r##"<rect width="100%" height="100%" fill="#fafafa"/>"##
    );
    let title = if doc.meta.title.is_empty() {
        "Untitled map"
    } else {
        &doc.meta.title
    };
    let _ = writeln!(
        out,
        r#"<text x="{MARGIN}" y="34" font-size="24" fill="{TEXT}">{}</text>"#,
        xml(title)
    );
    let _ = writeln!(
        out,
        r##"<text x="{MARGIN}" y="52" font-size="13" fill="#555555">{}</text>"##,
        xml(subtitle)
    );

    // Flows under nodes.
    out.push_str("<g id=\"flows\" fill=\"none\">\n");
    for (f, shape) in layout.flows.iter().enumerate() {
        let flow = &doc.flows[f];
        let known = amounts.get(f).copied().flatten().is_some();
        let colour = if known || flow.loop_kind != Loop::None {
            colours::loop_colour(flow.loop_kind, false)
        } else {
            colours::UNKNOWN
        };
        let dash = if known {
            colours::loop_dash(flow.loop_kind)
        } else {
            Some((8.0, 6.0))
        };
        let width = shape.width.max(1.5);
        let scale = 1.0 + width / 20.0;
        let dash = dash.map_or(String::new(), |(d, g)| {
            format!(
                r#" stroke-dasharray="{:.1} {:.1}""#,
                f64::from(d) * scale,
                f64::from(g) * scale
            )
        });
        let d = path_data(&shape.path, dx, dy);
        if let (Some(s), Some(a)) = (sigma(f), amounts.get(f).copied().flatten())
            && a > 0.0
        {
            let _ = writeln!(
                out,
                r#"<path class="range" data-flow="{}" d="{d}" stroke="{}" stroke-opacity="0.3" stroke-width="{:.1}"/>"#,
                xml(&flow.id),
                colour.hex(),
                width * (a + s) / a
            );
        }
        let _ = writeln!(
            out,
            r#"<path id="flow-{}" data-from="{}" data-to="{}" data-loop="{}" d="{d}" stroke="{}" stroke-width="{width:.1}"{dash}/>"#,
            xml(&flow.id),
            xml(&flow.from),
            xml(&flow.to),
            flow.loop_kind.name(),
            colour.hex()
        );
        if let Some([a, b, c]) = geometry::arrowhead(&shape.points, width) {
            let (ax, ay) = at(a);
            let (bx, by) = at(b);
            let (cx, cy) = at(c);
            let _ = writeln!(
                out,
                r#"<polygon points="{ax:.1},{ay:.1} {bx:.1},{by:.1} {cx:.1},{cy:.1}" fill="{}"/>"#,
                colour.hex()
            );
        }
        // A stub ends in a small mark of its sink, in the sink's colour.
        if let (Some(mark), Some(sink)) = (
            geometry::stub_mark(shape),
            shape.stub.and_then(|n| doc.nodes.get(n)),
        ) {
            let (x, y) = at(mark.min);
            let _ = writeln!(
                out,
                r##"<rect class="stub-mark" x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" rx="2" fill="{}" stroke="#6e7682"/>"##,
                mark.max.x - mark.min.x,
                mark.height(),
                colours::kind_fill(sink.kind, false).hex()
            );
        }
    }
    out.push_str("</g>\n<g id=\"flow-labels\" font-size=\"12\">\n");
    // Every flow's label, on a leader line where its line has no room; its group names
    // its flow.
    for (f, label) in labels.iter().enumerate() {
        let Some(label) = label else { continue };
        let r = label.rect;
        let (x, y) = at(r.min);
        let (w, h) = (r.max.x - r.min.x, r.max.y - r.min.y);
        let leader = label.leader.map_or(String::new(), |[a, b]| {
            let ((ax, ay), (bx, by)) = (at(a), at(b));
            format!(
                r##"<line class="leader" x1="{ax:.1}" y1="{ay:.1}" x2="{bx:.1}" y2="{by:.1}" stroke="#555555" stroke-width="1"/><circle cx="{ax:.1}" cy="{ay:.1}" r="2" fill="#555555"/>"##
            )
        });
        let _ = writeln!(
            out,
            r##"<g class="flow-label" data-flow="{}">{leader}<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" rx="4" fill="#ffffff" fill-opacity="0.85"/><text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#333333">{}</text></g>"##,
            xml(&doc.flows[f].id),
            x + w / 2.0,
            y + h - 4.0,
            xml(&texts[f])
        );
    }
    out.push_str("</g>\n");

    // Nodes.
    let throughput = crate::analysis::supply::throughputs(doc, amounts);
    let supply = &analysis.concentration;
    out.push_str("<g id=\"nodes\">\n");
    for (n, node) in doc.nodes.iter().enumerate() {
        let r = layout.nodes[n];
        let (x, y) = at(r.min);
        let (w, h) = (r.max.x - r.min.x, r.max.y - r.min.y);
        let fill = colours::kind_fill(node.kind, false);
        let _ = writeln!(
            out,
            "<g id=\"node-{}\"><title>{}</title>",
            xml(&node.id),
            xml(&node.label)
        );
        let _ = writeln!(
            out,
            r##"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" rx="10" fill="{}" stroke="#6e7682" stroke-width="1.5"/>"##,
            fill.hex()
        );
        if node
            .stage
            .as_deref()
            .is_some_and(|s| supply.is_bottleneck(s))
        {
            let _ = writeln!(
                out,
                r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="none" stroke="#d62728" stroke-width="2.5" stroke-dasharray="8 5"/>"##,
                x - 4.0,
                y - 4.0,
                w + 8.0,
                h + 8.0
            );
        }
        let mut line_y = y + 20.0;
        let mut lines = wrap(&node.label, 17);
        if lines.len() > 2 {
            // Two lines fit above the details; the full label is in the tooltip.
            lines.truncate(2);
            lines[1].push('…');
        }
        for line in lines {
            let _ = writeln!(
                out,
                r#"<text x="{:.1}" y="{line_y:.1}" font-size="14" text-anchor="middle" fill="{TEXT}">{}</text>"#,
                x + w / 2.0,
                xml(&line)
            );
            line_y += 17.0;
        }
        let unit = doc.meta.unit();
        let amount = throughput[n].map_or("?".to_string(), present::amount);
        for (text, offset) in [
            (present::node_details(node), 22.0),
            (format!("{amount} {unit}"), 9.0),
        ] {
            let _ = writeln!(
                out,
                r##"<text x="{:.1}" y="{:.1}" font-size="11.5" text-anchor="middle" fill="#3a3a3a">{}</text>"##,
                x + w / 2.0,
                y + h - offset + 4.0,
                xml(&text)
            );
        }
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n");

    // Pins, numbered in map order; pins on the whole map in a row under the title.
    out.push_str("<g id=\"pins\">\n");
    let mut map_x = MARGIN + 14.0;
    if map_pins {
        let _ = writeln!(
            out,
            r#"<text x="{MARGIN}" y="{:.1}" font-size="13" fill="{TEXT}">Whole map</text>"#,
            TITLE + 16.0
        );
    }
    let numbers = doc.pin_numbers();
    for (i, p) in doc.pain_points.iter().enumerate() {
        let radius = geometry::pin_radius(p.votes());
        let centre = match layout.pins.get(i).copied().flatten() {
            Some(c) => {
                let (x, y) = at(c);
                Point::new(x, y)
            }
            None if p.on == Anchor::Map => {
                let c = Point::new(map_x, TITLE + 36.0);
                map_x += 2.0 * geometry::pin_radius(40) + 4.0;
                c
            }
            None => continue,
        };
        let _ = writeln!(out, "<g><title>{}</title>", xml(&pin_title(numbers[i], p)));
        pin(
            &mut out,
            p.category(),
            centre,
            radius,
            Some(numbers[i] as usize),
        );
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n");

    legend(&mut out, doc, height - legend_height + 10.0);
    pin_list(&mut out, doc, height - legend_height + LEGEND);
    out.push_str("</svg>\n");
    out
}

/// SVG path data of `path` moved by (`dx`, `dy`), to a tenth of a point: curves stay
/// curves.
fn path_data(path: &kurbo::BezPath, dx: f64, dy: f64) -> String {
    use kurbo::PathEl;
    let mut d = String::new();
    let p = |d: &mut String, q: kurbo::Point| {
        let _ = write!(d, " {:.1} {:.1}", q.x + dx, q.y + dy);
    };
    for el in path.elements() {
        match *el {
            PathEl::MoveTo(a) => {
                d.push('M');
                p(&mut d, a);
            }
            PathEl::LineTo(a) => {
                d.push_str(" L");
                p(&mut d, a);
            }
            PathEl::QuadTo(a, b) => {
                d.push_str(" Q");
                p(&mut d, a);
                p(&mut d, b);
            }
            PathEl::CurveTo(a, b, c) => {
                d.push_str(" C");
                p(&mut d, a);
                p(&mut d, b);
                p(&mut d, c);
            }
            PathEl::ClosePath => d.push_str(" Z"),
        }
    }
    d.replace("M ", "M")
}

fn pin_title(number: u32, p: &crate::model::PainPoint) -> String {
    format!(
        "#{} {} ({}, severity {}, {} votes)",
        number,
        p.title,
        p.category().name(),
        p.severity(),
        p.votes()
    )
}

/// One pin: its category's shape and colour, its number inside.
fn pin(out: &mut String, category: Category, c: Point, r: f64, number: Option<usize>) {
    let fill = colours::category_colour(category);
    let shape = geometry::pin_shape(category);
    if shape == PinShape::Circle {
        let _ = writeln!(
            out,
            r##"<circle cx="{:.1}" cy="{:.1}" r="{r:.1}" fill="{}" stroke="#ffffff" stroke-width="1.5"/>"##,
            c.x,
            c.y,
            fill.hex()
        );
    } else {
        let points: Vec<String> = geometry::pin_outline(shape, c, r)
            .iter()
            .map(|p| format!("{:.1},{:.1}", p.x, p.y))
            .collect();
        let _ = writeln!(
            out,
            r##"<polygon points="{}" fill="{}" stroke="#ffffff" stroke-width="1.5"/>"##,
            points.join(" "),
            fill.hex()
        );
    }
    if let Some(n) = number {
        let nudge = match shape {
            PinShape::TriangleUp => r * 0.25,
            PinShape::TriangleDown => -r * 0.25,
            _ => 0.0,
        };
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" font-size="{:.1}" text-anchor="middle" fill="{}">{n}</text>"#,
            c.x,
            c.y + nudge + 0.36 * r,
            (r * 1.05).max(9.0),
            fill.text_on().hex()
        );
    }
}

/// Between the lines of the numbered list of pain points.
const PIN_ROW: f64 = 18.0;

/// The pain points by their pin numbers, under the legend: a picture has no tooltip to
/// say what a pin means.
fn pin_list(out: &mut String, doc: &Document, y: f64) {
    if doc.pain_points.is_empty() {
        return;
    }
    let numbers = doc.pin_numbers();
    let mut order: Vec<usize> = (0..doc.pain_points.len()).collect();
    order.sort_by_key(|&i| numbers[i]);
    let _ = writeln!(
        out,
        r#"<g id="pin-list" font-size="13" fill="{TEXT}"><text x="{MARGIN}" y="{:.1}">Pain points</text>"#,
        y - 4.0
    );
    for (k, &i) in order.iter().enumerate() {
        let p = &doc.pain_points[i];
        let on = p.on.describe(doc);
        let _ = writeln!(
            out,
            r#"<text class="pin-entry" x="{MARGIN}" y="{:.1}">{}. {} ({}, {} vote{}, on {})</text>"#,
            y + PIN_ROW * (k as f64 + 1.0) - 4.0,
            numbers[i],
            xml(&p.title),
            p.category().name(),
            p.votes(),
            if p.votes() == 1 { "" } else { "s" },
            xml(&on)
        );
    }
    out.push_str("</g>\n");
}

/// Loop kinds (colour and dash) and, when there are pain points, their categories.
fn legend(out: &mut String, doc: &Document, y: f64) {
    let _ = writeln!(
        out,
        r#"<g id="legend" font-size="13" fill="{TEXT}"><text x="{MARGIN}" y="{y:.1}">Reverse loops</text>"#
    );
    for (k, kind) in Loop::REVERSE.into_iter().enumerate() {
        let ly = y + 22.0 * (k as f64 + 1.0);
        let dash = colours::loop_dash(kind).map_or(String::new(), |(d, g)| {
            format!(r#" stroke-dasharray="{d} {g}""#)
        });
        let _ = writeln!(
            out,
            r#"<line x1="{MARGIN}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{}" stroke-width="4"{dash}/><text x="{:.1}" y="{ly:.1}">{}</text>"#,
            ly - 4.0,
            MARGIN + 50.0,
            ly - 4.0,
            colours::loop_colour(kind, false).hex(),
            MARGIN + 60.0,
            kind.name()
        );
    }
    if !doc.pain_points.is_empty() {
        let x0 = MARGIN + 220.0;
        let _ = writeln!(
            out,
            r#"<text x="{x0:.1}" y="{y:.1}">Pain points (size: votes)</text>"#
        );
        for (k, c) in Category::ALL.into_iter().enumerate() {
            let x = x0 + 8.0 + 150.0 * (k / 4) as f64;
            let ly = y + 22.0 * ((k % 4) as f64 + 1.0);
            pin(out, c, Point::new(x, ly - 4.0), 7.0, None);
            let _ = writeln!(
                out,
                r#"<text x="{:.1}" y="{ly:.1}">{}</text>"#,
                x + 14.0,
                c.name()
            );
        }
    }
    out.push_str("</g>\n");
}

/// A colour for a country in reports.
pub fn country_hex(code: &str) -> String {
    colours::country_colour(code).hex()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_titles_wrap_at_word_boundaries() {
        assert_eq!(
            wrap("Magnet-to-magnet recycling (HPMS)", 17),
            ["Magnet-to-magnet", "recycling (HPMS)"]
        );
    }
}
