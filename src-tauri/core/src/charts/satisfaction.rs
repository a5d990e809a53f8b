//! NPS, CSAT and CES month by month: one panel each, the figure as a line (broken where a month
//! had no response) and each month's count written under it.

use plotters::prelude::*;

use super::{register_font, ChartTheme, Palette, AMBER, GREEN, RED};
use crate::domain::insights::KindSeries;
use crate::domain::SurveyKind;
use crate::error::{Error, Result};

const WIDTH: u32 = 1000;
const PANEL: u32 = 140;

fn scale(kind: SurveyKind) -> (f64, f64, &'static str) {
    match kind {
        SurveyKind::Nps => (-100.0, 100.0, "NPS"),
        SurveyKind::Csat => (0.0, 100.0, "CSAT (% satisfied)"),
        SurveyKind::Ces => (1.0, 7.0, "CES (mean, 1–7)"),
    }
}

/// The colour a value reads in: the seed targets (NPS > 50, CSAT > 90 %) green, the lower
/// band amber, below it red; CES, where lower effort is better, by thirds of its scale.
fn value_colour(kind: SurveyKind, v: f64) -> RGBColor {
    match kind {
        SurveyKind::Nps if v > 50.0 => GREEN,
        SurveyKind::Nps if v >= 0.0 => AMBER,
        SurveyKind::Csat if v > 90.0 => GREEN,
        SurveyKind::Csat if v >= 75.0 => AMBER,
        SurveyKind::Ces if v <= 3.0 => GREEN,
        SurveyKind::Ces if v <= 5.0 => AMBER,
        _ => RED,
    }
}

/// The three series as one SVG, in the app's light or dark colours.
pub fn satisfaction_svg(kinds: &[KindSeries], theme: ChartTheme) -> Result<String> {
    register_font();
    let p = theme.palette();
    let mut svg = String::new();
    {
        let height = PANEL * kinds.len().max(1) as u32;
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        let fail = |e: String| Error::Io(format!("drawing the feedback chart: {e}"));
        root.fill(&p.background).map_err(|e| fail(e.to_string()))?;
        let panels = root.split_evenly((kinds.len().max(1), 1));
        for (area, series) in panels.iter().zip(kinds) {
            panel(area, series, &p).map_err(|e| fail(e.to_string()))?;
        }
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    Ok(svg)
}

fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    s: &KindSeries,
    p: &Palette,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (lo, hi, name) = scale(s.kind);
    let n = s.months.len().max(1);
    let responses = match s.count {
        1 => "1 response".to_string(),
        n => format!("{n} responses"),
    };
    let caption = match s.value {
        Some(v) if s.kind == SurveyKind::Ces => format!("{name}: {v:.1} over {responses}"),
        Some(v) if s.kind == SurveyKind::Nps => format!("{name}: {v:+.0} over {responses}"),
        Some(v) => format!("{name}: {v:.0} over {responses}"),
        None => format!("{name}: no responses in this period"),
    };
    let months = s.months.clone();
    let mut chart = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 14).into_font().color(&p.ink))
        .margin(8)
        .x_label_area_size(22)
        .y_label_area_size(40)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), lo..hi)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .y_labels(3)
        .y_label_formatter(&|v| format!("{v:.0}"))
        .x_labels(n.min(13))
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() > 0.01 || i < 0.0 {
                return String::new();
            }
            months.get(i as usize).map_or(String::new(), |m| {
                let count = s.months[i as usize].count;
                format!("{} · {count}", short_month(&m.month))
            })
        })
        .light_line_style(TRANSPARENT)
        .bold_line_style(p.grid)
        .label_style(("sans-serif", 11).into_font().color(&p.ink))
        .axis_style(p.axis)
        .draw()?;
    // The line breaks at months without responses: each run of months with a value is drawn alone.
    let mut run: Vec<(f64, f64)> = Vec::new();
    let mut runs = Vec::new();
    for (i, m) in s.months.iter().enumerate() {
        match m.value {
            Some(v) => run.push((i as f64, v)),
            None if !run.is_empty() => runs.push(std::mem::take(&mut run)),
            None => {}
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    for r in &runs {
        chart.draw_series(LineSeries::new(r.iter().copied(), p.line.stroke_width(2)))?;
    }
    chart.draw_series(s.months.iter().enumerate().filter_map(|(i, m)| {
        m.value
            .map(|v| Circle::new((i as f64, v), 4, value_colour(s.kind, v).filled()))
    }))?;
    Ok(())
}

/// `2026-09` as `Sep 26`.
fn short_month(m: &str) -> String {
    const NAMES: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, mm) = m.split_once('-').unwrap_or(("", ""));
    let idx = mm.parse::<usize>().unwrap_or(1).clamp(1, 12) - 1;
    format!("{} {}", NAMES[idx], y.get(2..).unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::insights::MonthPoint;

    fn series(kind: SurveyKind, values: &[Option<f64>]) -> KindSeries {
        KindSeries {
            kind,
            count: values.iter().flatten().count() as i64,
            value: values.iter().flatten().next().copied(),
            months: values
                .iter()
                .enumerate()
                .map(|(i, v)| MonthPoint {
                    month: format!("2026-{:02}", i + 1),
                    count: v.is_some() as i64,
                    value: *v,
                })
                .collect(),
        }
    }

    #[test]
    fn a_point_per_month_with_responses_and_the_line_broken_at_gaps() {
        let svg = satisfaction_svg(
            &[
                series(
                    SurveyKind::Nps,
                    &[Some(60.0), Some(20.0), None, Some(-40.0)],
                ),
                series(SurveyKind::Csat, &[None, None, None, None]),
            ],
            ChartTheme::Light,
        )
        .unwrap();
        assert_eq!(svg.matches("<circle").count(), 3);
        // Two runs: Jan–Feb and Apr alone (a one-point line draws nothing visible but exists).
        assert!(svg.matches("<polyline").count() >= 1);
        assert!(svg.contains("NPS: +60 over 3 responses"));
        assert!(svg.contains("CSAT (% satisfied): no responses in this period"));
        assert!(svg.contains("Jan 26 · 1"));
        assert!(svg.contains("Mar 26 · 0"));
    }

    #[test]
    fn the_dark_chart_uses_the_dark_surface() {
        let svg =
            satisfaction_svg(&[series(SurveyKind::Ces, &[Some(3.5)])], ChartTheme::Dark).unwrap();
        assert!(svg.contains("#161920"));
        assert!(!svg.contains("#FFFFFF"));
        assert!(svg.contains("CES (mean, 1–7): 3.5 over 1 response"));
    }
}
