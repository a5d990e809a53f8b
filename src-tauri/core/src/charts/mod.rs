//! Charts rendered by plotters as standalone SVG. Text inside is escaped by plotters' SVG
//! backend, and the UI shows the SVG only as an image, so CRM text can never run as markup.

use std::sync::Once;

use chrono::{Duration, NaiveDate};
use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::error::{Error, Result};

mod adoption;
mod journey;
mod milestones;
mod satisfaction;
mod ttv;
pub use adoption::{usage_svg, utilisation_svg};
pub use journey::journey_svg;
pub use milestones::milestones_svg;
pub use satisfaction::satisfaction_svg;
pub use ttv::ttv_svg;

static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static REGISTER: Once = Once::new();

/// plotters measures text with ab_glyph; the embedded font makes that work without system fonts.
fn register_font() {
    REGISTER.call_once(|| {
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

const RED: RGBColor = RGBColor(220, 38, 38);
const AMBER: RGBColor = RGBColor(217, 119, 6);
const GREEN: RGBColor = RGBColor(22, 163, 74);

/// The colours a chart is drawn in: the app's light or dark theme (the dark one matches the
/// UI's dark surface, so the chart is not a white plate on a dark screen).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartTheme {
    Light,
    Dark,
}

struct Palette {
    background: RGBColor,
    ink: RGBColor,
    grid: RGBColor,
    axis: RGBColor,
    line: RGBColor,
    band_alpha: f64,
}

impl ChartTheme {
    fn palette(self) -> Palette {
        match self {
            ChartTheme::Light => Palette {
                background: WHITE,
                ink: RGBColor(30, 41, 59),
                grid: RGBColor(226, 232, 240),
                axis: RGBColor(148, 163, 184),
                line: RGBColor(37, 99, 235),
                band_alpha: 0.08,
            },
            ChartTheme::Dark => Palette {
                background: RGBColor(22, 25, 32),
                ink: RGBColor(226, 230, 238),
                grid: RGBColor(45, 51, 64),
                axis: RGBColor(100, 110, 128),
                line: RGBColor(139, 147, 255),
                band_alpha: 0.16,
            },
        }
    }
}

/// Health score over time (0–100) with the red/yellow/green bands shaded behind it.
pub fn health_trend_svg(
    title: &str,
    points: &[(NaiveDate, i64)],
    to: NaiveDate,
    months: i64,
    theme: ChartTheme,
) -> Result<String> {
    register_font();
    let from = to - Duration::days(months * 365 / 12);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, 300)).into_drawing_area();
        draw(&root, title, points, from, to, &theme.palette())
            .map_err(|e| Error::Io(format!("drawing the health chart: {e}")))?;
        root.present()
            .map_err(|e| Error::Io(format!("drawing the health chart: {e}")))?;
    }
    Ok(svg)
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    points: &[(NaiveDate, i64)],
    from: NaiveDate,
    to: NaiveDate,
    p: &Palette,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&p.background)?;
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 18).into_font().color(&p.ink))
        .margin(12)
        .x_label_area_size(28)
        .y_label_area_size(36)
        .build_cartesian_2d(from..to, 0i64..100i64)?;
    for (lo, hi, c) in [(0, 50, RED), (50, 75, AMBER), (75, 100, GREEN)] {
        chart.draw_series(std::iter::once(Rectangle::new(
            [(from, lo), (to, hi)],
            c.mix(p.band_alpha).filled(),
        )))?;
    }
    chart
        .configure_mesh()
        .disable_x_mesh()
        .y_labels(5)
        .x_labels(7)
        .x_label_formatter(&|d| d.format("%b %y").to_string())
        .light_line_style(p.grid)
        .label_style(("sans-serif", 12).into_font().color(&p.ink))
        .axis_style(p.axis)
        .draw()?;
    let shown: Vec<(NaiveDate, i64)> = points
        .iter()
        .copied()
        .filter(|(d, _)| *d >= from && *d <= to)
        .collect();
    if shown.is_empty() {
        chart.draw_series(std::iter::once(Text::new(
            "No health history yet",
            (from + Duration::days(30), 55),
            ("sans-serif", 16).into_font().color(&p.ink),
        )))?;
        return Ok(());
    }
    chart.draw_series(LineSeries::new(
        shown.iter().copied(),
        p.line.stroke_width(2),
    ))?;
    chart.draw_series(shown.iter().map(|(d, s)| {
        let c = match s {
            ..=50 => RED,
            51..=75 => AMBER,
            _ => GREEN,
        };
        Circle::new((*d, *s), 3, c.filled())
    }))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn renders_points_and_bands() {
        let pts = vec![
            (d("2026-06-01"), 80),
            (d("2026-09-01"), 60),
            (d("2026-11-20"), 40),
        ];
        let svg = health_trend_svg(
            "Acme — health",
            &pts,
            d("2026-11-24"),
            12,
            ChartTheme::Light,
        )
        .unwrap();
        assert!(svg.starts_with("<svg"));
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains("<polyline"));
        assert!(svg.contains("Acme — health"));
    }

    #[test]
    fn markup_in_crm_text_is_escaped() {
        let svg = health_trend_svg(
            "<img src=x onerror=alert(1)> & <script>",
            &[],
            d("2026-11-24"),
            12,
            ChartTheme::Dark,
        )
        .unwrap();
        assert!(!svg.contains("<img"));
        assert!(!svg.contains("<script"));
        assert!(svg.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &lt;script&gt;"));
        assert!(svg.contains("No health history yet"));
    }
}

#[cfg(test)]
mod theme_tests {
    use super::*;

    #[test]
    fn the_dark_chart_has_the_dark_surface_behind_it_and_light_text() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let dark = health_trend_svg("Acme", &[(day, 70)], day, 12, ChartTheme::Dark).unwrap();
        let light = health_trend_svg("Acme", &[(day, 70)], day, 12, ChartTheme::Light).unwrap();
        // #161920 is the UI's dark --surface; #E2E6EE its light ink.
        assert!(dark.contains("#161920"), "dark background missing");
        assert!(dark.contains("#E2E6EE"), "dark ink missing");
        assert!(!dark.contains("#FFFFFF"), "a white plate in the dark chart");
        assert!(light.contains("#FFFFFF"));
    }
}
