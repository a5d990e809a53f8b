//! Time-to-value by contract-start cohort: the median days to first value and to full value per
//! quarter, each cohort's target (a quarter of the median of the same quarter a year earlier cut
//! away) and the 30-day first-value line the early warning uses.

use plotters::prelude::*;

use super::{register_font, ChartTheme, Palette, AMBER, GREEN};
use crate::domain::value::TtvCohort;
use crate::error::{Error, Result};

const WIDTH: u32 = 1000;
const HEIGHT: u32 = 320;
/// The full-value series, distinct from the first-value line in both themes.
const FULL: RGBColor = RGBColor(168, 85, 247);

/// Which median of a cohort a series draws.
type Pick = fn(&TtvCohort) -> Option<f64>;

/// The cohorts (oldest first) as one SVG; `None` when no cohort has a median yet.
pub fn ttv_svg(cohorts: &[TtvCohort], late_days: i64, theme: ChartTheme) -> Result<Option<String>> {
    if cohorts
        .iter()
        .all(|c| c.median_first_days.is_none() && c.median_full_days.is_none())
    {
        return Ok(None);
    }
    register_font();
    let p = theme.palette();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        let fail = |e: String| Error::Io(format!("drawing the time-to-value chart: {e}"));
        draw(&root, cohorts, late_days, &p).map_err(|e| fail(e.to_string()))?;
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    Ok(Some(svg))
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    cs: &[TtvCohort],
    late_days: i64,
    p: &Palette,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&p.background)?;
    let n = cs.len();
    let top = cs
        .iter()
        .flat_map(|c| [c.median_first_days, c.median_full_days, c.target_days])
        .flatten()
        .chain([late_days as f64])
        .fold(0.0, f64::max)
        // Headroom above the highest point keeps the legend clear of the lines.
        * 1.4;
    let quarters: Vec<String> = cs.iter().map(|c| c.quarter.clone()).collect();
    let mut chart = ChartBuilder::on(root)
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(44)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), 0f64..top.max(10.0))?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .y_labels(6)
        .y_desc("days from contract start")
        .y_label_formatter(&|v| format!("{v:.0}"))
        .x_labels(n.min(16))
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() > 0.01 || i < 0.0 {
                return String::new();
            }
            quarters.get(i as usize).cloned().unwrap_or_default()
        })
        .light_line_style(TRANSPARENT)
        .bold_line_style(p.grid)
        .label_style(("sans-serif", 12).into_font().color(&p.ink))
        .axis_desc_style(("sans-serif", 12).into_font().color(&p.ink))
        .axis_style(p.axis)
        .draw()?;

    let x_span = (-0.5, n as f64 - 0.5);
    chart
        .draw_series(DashedLineSeries::new(
            [(x_span.0, late_days as f64), (x_span.1, late_days as f64)],
            6,
            4,
            AMBER.stroke_width(1),
        ))?
        .label(format!("{late_days}-day first value"))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], AMBER.stroke_width(1)));

    // A line per series, broken where a cohort has no median yet.
    let runs = |pick: Pick| {
        let mut runs: Vec<Vec<(f64, f64)>> = vec![vec![]];
        for (i, c) in cs.iter().enumerate() {
            match pick(c) {
                Some(v) => runs.last_mut().expect("one run").push((i as f64, v)),
                None => runs.push(vec![]),
            }
        }
        runs.into_iter()
            .filter(|r| !r.is_empty())
            .collect::<Vec<_>>()
    };
    let series: [(&str, RGBColor, Pick); 2] = [
        ("Median days to first value", p.line, |c| {
            c.median_first_days
        }),
        ("Median days to full value (ROI)", FULL, |c| {
            c.median_full_days
        }),
    ];
    for (name, colour, pick) in series {
        let mut labelled = false;
        for run in runs(pick) {
            let drawn = chart.draw_series(LineSeries::new(run, colour.stroke_width(2)))?;
            if !labelled {
                drawn.label(name).legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(2))
                });
                labelled = true;
            }
        }
        // A cohort still settling is drawn hollow: its median can still move.
        chart.draw_series(cs.iter().enumerate().filter_map(|(i, c)| {
            pick(c).map(|v| {
                let style = if c.settled {
                    colour.filled()
                } else {
                    colour.stroke_width(2)
                };
                Circle::new((i as f64, v), 4, style)
            })
        }))?;
    }
    let targets: Vec<(usize, f64)> = cs
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.target_days.map(|t| (i, t)))
        .collect();
    if !targets.is_empty() {
        for (i, (x, t)) in targets.iter().enumerate() {
            let drawn = chart.draw_series(std::iter::once(PathElement::new(
                vec![(*x as f64 - 0.3, *t), (*x as f64 + 0.3, *t)],
                GREEN.stroke_width(3),
            )))?;
            if i == 0 {
                drawn
                    .label("Target: 25 % under a year earlier")
                    .legend(|(x, y)| {
                        PathElement::new(vec![(x, y), (x + 16, y)], GREEN.stroke_width(3))
                    });
            }
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(p.background.mix(0.9))
        .border_style(p.axis)
        .label_font(("sans-serif", 12).into_font().color(&p.ink))
        .draw()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cohort(q: &str, first: Option<f64>, full: Option<f64>, target: Option<f64>) -> TtvCohort {
        TtvCohort {
            quarter: q.into(),
            accounts: 5,
            reached_first: 5,
            not_yet: 0,
            reached_full: 5,
            by_day: vec![],
            median_first_days: first,
            median_full_days: full,
            settled: true,
            target_days: target,
            cut: None,
        }
    }

    #[test]
    fn draws_both_medians_each_target_and_the_late_line() {
        let cs = [
            cohort("2025 Q1", Some(80.0), Some(190.0), None),
            cohort("2025 Q2", Some(70.0), None, None),
            cohort("2026 Q1", Some(50.0), Some(150.0), Some(60.0)),
        ];
        let svg = ttv_svg(&cs, 30, ChartTheme::Light).unwrap().unwrap();
        assert!(svg.starts_with("<svg"));
        // Five medians as points: three first-value, two full-value.
        assert_eq!(svg.matches("<circle").count(), 5);
        for text in [
            "2025 Q1",
            "2026 Q1",
            "30-day first value",
            "Median days to full value (ROI)",
        ] {
            assert!(svg.contains(text), "{text} missing");
        }
        // The target is drawn in green; the full-value series in its own colour.
        assert!(svg.contains("#16A34A"));
        assert!(svg.contains("#A855F7"));
        let dark = ttv_svg(&cs, 30, ChartTheme::Dark).unwrap().unwrap();
        assert!(dark.contains("#161920"));
    }

    #[test]
    fn nothing_to_draw_without_a_median() {
        assert!(ttv_svg(
            &[cohort("2026 Q3", None, None, None)],
            30,
            ChartTheme::Light
        )
        .unwrap()
        .is_none());
        assert!(ttv_svg(&[], 30, ChartTheme::Light).unwrap().is_none());
    }
}
