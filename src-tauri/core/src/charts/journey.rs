//! The book's stage mix week by week: accounts on the books (not churned) stacked by lifecycle
//! stage, so a stage that swells or empties over the period shows at a glance.

use plotters::prelude::*;

use super::{register_font, ChartTheme, Palette, GREEN, RED};
use crate::domain::journey::StageMix;
use crate::domain::LifecycleStage;
use crate::error::{Error, Result};

const WIDTH: u32 = 1000;
const HEIGHT: u32 = 300;
const LEGEND_HEIGHT: u32 = 26;

/// Each stage's colour, the same in both themes (they read on white and on the dark surface).
fn colour(s: LifecycleStage, p: &Palette) -> RGBColor {
    match s {
        LifecycleStage::Onboarding => p.line,
        LifecycleStage::Adoption => RGBColor(202, 138, 4),
        LifecycleStage::Value => GREEN,
        LifecycleStage::Renewal => RGBColor(168, 85, 247),
        LifecycleStage::Expansion => RGBColor(13, 148, 136),
        LifecycleStage::AtRisk => RED,
        LifecycleStage::Churned => p.axis,
    }
}

/// The mix as one SVG; `None` with fewer than two days or no account in them.
pub fn journey_svg(mix: &[StageMix], theme: ChartTheme) -> Result<Option<String>> {
    if mix.len() < 2 || mix.iter().all(|m| m.counts.iter().all(|n| *n == 0)) {
        return Ok(None);
    }
    register_font();
    let p = theme.palette();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        let fail = |e: String| Error::Io(format!("drawing the journey chart: {e}"));
        draw(&root, mix, &p).map_err(|e| fail(e.to_string()))?;
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    Ok(Some(svg))
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    mix: &[StageMix],
    p: &Palette,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&p.background)?;
    // The legend runs along the bottom, clear of the bands.
    let (plot, key) = root.split_vertically(HEIGHT - LEGEND_HEIGHT);
    let stages: Vec<(usize, LifecycleStage)> = LifecycleStage::ALL
        .iter()
        .copied()
        .enumerate()
        .filter(|(i, s)| *s != LifecycleStage::Churned && mix.iter().any(|m| m.counts[*i] > 0))
        .collect();
    let total = |m: &StageMix| stages.iter().map(|(i, _)| m.counts[*i]).sum::<u32>();
    let top = mix.iter().map(total).max().unwrap_or(0).max(1) as f64 * 1.1;
    let (from, to) = (mix[0].day, mix[mix.len() - 1].day);
    let mut chart = ChartBuilder::on(&plot)
        .margin(12)
        .x_label_area_size(28)
        .y_label_area_size(44)
        .build_cartesian_2d(from..to, 0f64..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .y_labels(5)
        .y_desc("accounts")
        .y_label_formatter(&|v| format!("{v:.0}"))
        .x_labels(8)
        .x_label_formatter(&|d| d.format("%-d %b %y").to_string())
        .light_line_style(TRANSPARENT)
        .bold_line_style(p.grid)
        .label_style(("sans-serif", 12).into_font().color(&p.ink))
        .axis_desc_style(("sans-serif", 12).into_font().color(&p.ink))
        .axis_style(p.axis)
        .draw()?;
    let mut below: Vec<f64> = vec![0.0; mix.len()];
    for (i, stage) in &stages {
        let above: Vec<f64> = mix
            .iter()
            .zip(&below)
            .map(|(m, b)| b + f64::from(m.counts[*i]))
            .collect();
        if above == below {
            continue;
        }
        let c = colour(*stage, p);
        let mut outline: Vec<(chrono::NaiveDate, f64)> =
            mix.iter().zip(&above).map(|(m, a)| (m.day, *a)).collect();
        outline.extend(mix.iter().zip(&below).rev().map(|(m, b)| (m.day, *b)));
        chart.draw_series(std::iter::once(Polygon::new(outline, c.mix(0.75).filled())))?;
        below = above;
    }
    let font = ("sans-serif", 12).into_font().color(&p.ink);
    let mut x = 56;
    for (_, stage) in &stages {
        let label = stage.label();
        let label = format!("{}{}", label[..1].to_uppercase(), &label[1..]);
        key.draw(&Rectangle::new(
            [(x, 8), (x + 12, 18)],
            colour(*stage, p).filled(),
        ))?;
        key.draw(&Text::new(label.clone(), (x + 18, 7), font.clone()))?;
        x += 18 + 7 * label.chars().count() as i32 + 22;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn m(day: &str, counts: [u32; 7]) -> StageMix {
        StageMix {
            day: NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap(),
            counts: counts.to_vec(),
        }
    }

    #[test]
    fn one_band_per_stage_present_and_churn_left_out() {
        let mix = [
            m("2026-01-01", [3, 2, 0, 0, 0, 1, 4]),
            m("2026-01-08", [2, 3, 1, 0, 0, 1, 5]),
        ];
        let svg = journey_svg(&mix, ChartTheme::Dark).unwrap().unwrap();
        for name in ["Onboarding", "Adoption", "Value", "At risk"] {
            assert!(svg.contains(name), "{name}");
        }
        for absent in ["Renewal", "Expansion", "Churned"] {
            assert!(!svg.contains(absent), "{absent}");
        }
        assert_eq!(
            svg.matches("<polygon").count(),
            4,
            "one band per stage present"
        );
        assert_eq!(journey_svg(&mix[..1], ChartTheme::Light).unwrap(), None);
    }
}
