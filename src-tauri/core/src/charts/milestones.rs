//! A success plan's milestones on a time axis: one row each, a bar from its start to its due day
//! coloured by status, a diamond where it was achieved, and today as a vertical line.

use chrono::{Duration, NaiveDate};
use plotters::prelude::*;

use super::{register_font, ChartTheme, Palette, AMBER, GREEN, RED};
use crate::domain::success::{MilestoneStatus, MilestoneView};
use crate::error::{Error, Result};

const WIDTH: u32 = 900;
const ROW: u32 = 34;
/// Longer names are cut with an ellipsis so the bars keep their room.
const LABEL_CHARS: usize = 34;

fn colour(s: MilestoneStatus, p: &Palette) -> RGBColor {
    match s {
        MilestoneStatus::Stuck => RED,
        MilestoneStatus::Behind => AMBER,
        MilestoneStatus::OnTrack => p.line,
        MilestoneStatus::Done => GREEN,
    }
}

fn label(name: &str) -> String {
    let name = name.trim();
    if name.chars().count() <= LABEL_CHARS {
        return name.to_string();
    }
    let cut: String = name.chars().take(LABEL_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

/// The milestones (in the order given) as one SVG; `None` when there are none.
pub fn milestones_svg(
    milestones: &[MilestoneView],
    today: NaiveDate,
    theme: ChartTheme,
) -> Result<Option<String>> {
    if milestones.is_empty() {
        return Ok(None);
    }
    register_font();
    let p = theme.palette();
    let ends = milestones
        .iter()
        .flat_map(|m| [m.start_on, m.due_on, m.achieved_on.unwrap_or(m.due_on)])
        .chain([today]);
    let (lo, hi) = ends.fold((NaiveDate::MAX, NaiveDate::MIN), |(lo, hi), d| {
        (lo.min(d), hi.max(d))
    });
    let pad = Duration::days(((hi - lo).num_days() / 20).max(7));
    let (from, to) = (lo - pad, hi + pad);
    let n = milestones.len();
    let mut svg = String::new();
    {
        let height = 60 + ROW * n as u32;
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        let fail = |e: String| Error::Io(format!("drawing the milestones chart: {e}"));
        draw(&root, milestones, from, to, today, &p).map_err(|e| fail(e.to_string()))?;
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    Ok(Some(svg))
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    ms: &[MilestoneView],
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
    p: &Palette,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&p.background)?;
    let n = ms.len() as f64;
    let names: Vec<String> = ms.iter().map(|m| label(&m.name)).collect();
    let mut chart = ChartBuilder::on(root)
        .margin(10)
        .x_label_area_size(26)
        .y_label_area_size(230)
        .build_cartesian_2d(from..to, -0.5f64..(n - 0.5))?;
    let span = (to - from).num_days();
    let format = if span > 500 { "%b %y" } else { "%-d %b" };
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_labels(8)
        .x_label_formatter(&|d| d.format(format).to_string())
        .y_labels(ms.len())
        .y_label_formatter(&|y| {
            let i = y.round();
            if (y - i).abs() > 0.01 || i < 0.0 {
                return String::new();
            }
            // Row 0 at the top: the plan's first milestone reads first.
            let row = ms.len() as f64 - 1.0 - i;
            names.get(row as usize).cloned().unwrap_or_default()
        })
        .light_line_style(TRANSPARENT)
        .bold_line_style(p.grid)
        .label_style(("sans-serif", 12).into_font().color(&p.ink))
        .axis_style(p.axis)
        .draw()?;
    let y = |i: usize| n - 1.0 - i as f64;
    chart.draw_series(ms.iter().enumerate().map(|(i, m)| {
        let c = colour(m.status, p);
        Rectangle::new(
            [
                (m.start_on, y(i) - 0.22),
                (m.due_on.max(m.start_on), y(i) + 0.22),
            ],
            c.mix(0.35).filled(),
        )
    }))?;
    // The share of the way measured, as a solid part of the bar.
    chart.draw_series(ms.iter().enumerate().filter_map(|(i, m)| {
        let done = match (m.achieved_on, m.progress_pct) {
            (Some(_), _) => 100.0,
            (None, Some(pct)) => pct,
            (None, None) => return None,
        };
        let days = ((m.due_on - m.start_on).num_days() as f64 * done / 100.0).round() as i64;
        (days > 0).then(|| {
            Rectangle::new(
                [
                    (m.start_on, y(i) - 0.22),
                    (m.start_on + Duration::days(days), y(i) + 0.22),
                ],
                colour(m.status, p).filled(),
            )
        })
    }))?;
    chart.draw_series(ms.iter().enumerate().filter_map(|(i, m)| {
        m.achieved_on.map(|d| {
            Polygon::new(
                vec![
                    (
                        d - Duration::days(3.max((to - from).num_days() / 120)),
                        y(i),
                    ),
                    (d, y(i) + 0.38),
                    (
                        d + Duration::days(3.max((to - from).num_days() / 120)),
                        y(i),
                    ),
                    (d, y(i) - 0.38),
                ],
                GREEN.filled(),
            )
        })
    }))?;
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(today, -0.5), (today, n - 0.5)],
        p.ink.stroke_width(1),
    )))?;
    chart.draw_series(std::iter::once(Text::new(
        "today",
        (today + Duration::days(2), n - 0.55),
        ("sans-serif", 11).into_font().color(&p.ink),
    )))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::success::MilestoneKind;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn m(name: &str, status: MilestoneStatus, achieved: Option<&str>) -> MilestoneView {
        MilestoneView {
            id: 1,
            plan_id: 1,
            position: 0,
            name: name.into(),
            kind: MilestoneKind::Adoption,
            metric: String::new(),
            unit: String::new(),
            baseline: None,
            current: None,
            current_on: None,
            target: None,
            start_on: d("2026-09-01"),
            due_on: d("2026-12-31"),
            achieved_on: achieved.map(d),
            owner: String::new(),
            evidence: String::new(),
            status,
            progress_pct: None,
            elapsed_pct: 0.0,
            days_late: 0,
            reason: String::new(),
            updated_at: None,
        }
    }

    #[test]
    fn one_bar_per_milestone_a_diamond_per_achievement_and_escaped_names() {
        let ms = [
            m("Kickoff", MilestoneStatus::Done, Some("2026-10-01")),
            m(
                "<script>alert(1)</script> & co",
                MilestoneStatus::Stuck,
                None,
            ),
        ];
        let svg = milestones_svg(&ms, d("2026-12-03"), ChartTheme::Light)
            .unwrap()
            .unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(!svg.contains("<script"));
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
        assert!(svg.contains("Kickoff"));
        // The done milestone is drawn green (bar and diamond), the stuck one red.
        assert!(svg.contains("#16A34A"));
        assert!(svg.contains("#DC2626"));
        assert_eq!(svg.matches("<polygon").count(), 1);
        assert!(milestones_svg(&[], d("2026-12-03"), ChartTheme::Dark)
            .unwrap()
            .is_none());
    }

    #[test]
    fn long_names_are_cut_with_an_ellipsis() {
        let long = "A".repeat(50);
        assert_eq!(label(&long).chars().count(), LABEL_CHARS);
        assert!(label(&long).ends_with('…'));
        assert_eq!(label(" Kickoff "), "Kickoff");
    }
}
