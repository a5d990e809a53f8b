//! Adoption charts: an account's active users week by week against the seats it bought, and
//! the book's accounts by seat-utilisation band.

use plotters::prelude::*;

use super::{register_font, ChartTheme, Palette, AMBER, GREEN, RED};
use crate::domain::adoption::{AdoptionBucket, UsageWeek};
use crate::error::{Error, Result};

const WIDTH: u32 = 1000;
const HEIGHT: u32 = 280;
const KEY: u32 = 26;
/// The book's band chart sits in a narrower column.
const BANDS_WIDTH: u32 = 680;
const TEAL: RGBColor = RGBColor(13, 148, 136);

fn svg(
    what: &str,
    width: u32,
    draw: impl FnOnce(
        &DrawingArea<SVGBackend, plotters::coord::Shift>,
    ) -> std::result::Result<(), DrawingAreaErrorKind<std::io::Error>>,
) -> Result<String> {
    register_font();
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width, HEIGHT)).into_drawing_area();
        let fail = |e: String| Error::Io(format!("drawing the {what} chart: {e}"));
        draw(&root).map_err(|e| fail(e.to_string()))?;
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    Ok(out)
}

/// The account's weeks (oldest first) as one SVG; `None` with fewer than two weeks.
pub fn usage_svg(weeks: &[UsageWeek], seats: i64, theme: ChartTheme) -> Result<Option<String>> {
    if weeks.len() < 2 {
        return Ok(None);
    }
    let p = theme.palette();
    svg("usage", WIDTH, |root| draw_usage(root, weeks, seats, &p)).map(Some)
}

fn draw_usage<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    weeks: &[UsageWeek],
    seats: i64,
    p: &Palette,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&p.background)?;
    let (plot, key) = root.split_vertically(HEIGHT - KEY);
    let top = weeks
        .iter()
        .map(|w| w.active_users)
        .fold(seats as f64, f64::max)
        .max(1.0)
        * 1.15;
    let (from, to) = (weeks[0].week, weeks[weeks.len() - 1].week);
    // Months repeat as labels over a short span: days then.
    let format = if (to - from).num_days() < 240 {
        "%-d %b"
    } else {
        "%b %y"
    };
    let mut chart = ChartBuilder::on(&plot)
        .margin(12)
        .x_label_area_size(28)
        .y_label_area_size(44)
        .build_cartesian_2d(from..to, 0f64..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .y_labels(5)
        .y_desc("people")
        .y_label_formatter(&|v| format!("{v:.0}"))
        .x_labels(8)
        .x_label_formatter(&|d| d.format(format).to_string())
        .light_line_style(TRANSPARENT)
        .bold_line_style(p.grid)
        .label_style(("sans-serif", 12).into_font().color(&p.ink))
        .axis_desc_style(("sans-serif", 12).into_font().color(&p.ink))
        .axis_style(p.axis)
        .draw()?;
    let points: Vec<_> = weeks.iter().map(|w| (w.week, w.active_users)).collect();
    chart.draw_series(AreaSeries::new(
        points.clone(),
        0.0,
        p.line.mix(p.band_alpha * 2.0),
    ))?;
    chart.draw_series(LineSeries::new(points, p.line.stroke_width(2)))?;
    if seats > 0 {
        let s = seats as f64;
        chart.draw_series(DashedLineSeries::new(
            [(from, s), (to, s)],
            6,
            4,
            AMBER.stroke_width(2),
        ))?;
        chart.draw_series(DashedLineSeries::new(
            [(from, s * 0.8), (to, s * 0.8)],
            2,
            4,
            GREEN.stroke_width(1),
        ))?;
    }
    let font = ("sans-serif", 12).into_font().color(&p.ink);
    let mut x = 56;
    let mut keys = vec![("Active users (weekly average)", p.line)];
    if seats > 0 {
        keys.push(("Seats bought", AMBER));
        keys.push(("80 % of seats", GREEN));
    }
    for (label, c) in keys {
        key.draw(&Rectangle::new([(x, 12), (x + 14, 14)], c.filled()))?;
        key.draw(&Text::new(label, (x + 20, 6), font.clone()))?;
        x += 20 + 7 * label.chars().count() as i32 + 24;
    }
    Ok(())
}

/// The book's accounts per utilisation band as one SVG; `None` when no account is in any.
pub fn utilisation_svg(buckets: &[AdoptionBucket], theme: ChartTheme) -> Result<Option<String>> {
    if buckets.iter().all(|b| b.accounts == 0) {
        return Ok(None);
    }
    let p = theme.palette();
    svg("adoption", BANDS_WIDTH, |root| {
        draw_buckets(root, buckets, &p)
    })
    .map(Some)
}

fn draw_buckets<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    buckets: &[AdoptionBucket],
    p: &Palette,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&p.background)?;
    let n = buckets.len();
    let top = buckets.iter().map(|b| b.accounts).max().unwrap_or(1).max(1) as f64 * 1.2;
    let labels: Vec<String> = buckets.iter().map(|b| b.label.clone()).collect();
    let mut chart = ChartBuilder::on(root)
        .margin(12)
        .x_label_area_size(30)
        .y_label_area_size(44)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), 0f64..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .y_labels(5)
        .y_desc("accounts")
        .y_label_formatter(&|v| format!("{v:.0}"))
        .x_labels(n)
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() > 0.01 || i < 0.0 {
                return String::new();
            }
            labels.get(i as usize).cloned().unwrap_or_default()
        })
        .light_line_style(TRANSPARENT)
        .bold_line_style(p.grid)
        .label_style(("sans-serif", 12).into_font().color(&p.ink))
        .axis_desc_style(("sans-serif", 12).into_font().color(&p.ink))
        .axis_style(p.axis)
        .draw()?;
    // Low use is shelfware and churn risk, the top bands are room to expand.
    let colours = [RED, AMBER, p.line, GREEN, TEAL];
    for (i, b) in buckets.iter().enumerate() {
        let c = colours[i.min(colours.len() - 1)];
        let x = i as f64;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(x - 0.32, 0.0), (x + 0.32, f64::from(b.accounts))],
            c.mix(0.85).filled(),
        )))?;
        chart.draw_series(std::iter::once(Text::new(
            b.accounts.to_string(),
            (x - 0.05, f64::from(b.accounts) + top * 0.07),
            ("sans-serif", 13).into_font().color(&p.ink),
        )))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn week(d: &str, active: f64) -> UsageWeek {
        UsageWeek {
            week: NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap(),
            active_users: active,
            seats_used: active,
            utilisation: None,
            days: 7,
        }
    }

    #[test]
    fn draws_the_weeks_with_the_seat_lines_and_the_bands_with_their_counts() {
        let w = [week("2026-01-05", 10.0), week("2026-01-12", 14.0)];
        let s = usage_svg(&w, 20, ChartTheme::Light).unwrap().unwrap();
        assert!(s.contains("Seats bought") && s.contains("80 % of seats"));
        let none = usage_svg(&w, 0, ChartTheme::Dark).unwrap().unwrap();
        assert!(
            !none.contains("Seats bought"),
            "no seats on record, no seat line"
        );
        assert_eq!(usage_svg(&w[..1], 20, ChartTheme::Light).unwrap(), None);
        let b = |label: &str, accounts| AdoptionBucket {
            label: label.into(),
            accounts,
            arr: 0.0,
        };
        let s = utilisation_svg(
            &[b("Under 40 %", 3), b("40–60 %", 0), b("Over 100 %", 17)],
            ChartTheme::Dark,
        )
        .unwrap()
        .unwrap();
        assert!(s.contains("\n17\n") && s.contains("\n3\n") && s.contains("Over 100 %"));
        assert_eq!(
            utilisation_svg(&[b("Under 40 %", 0)], ChartTheme::Light).unwrap(),
            None
        );
    }
}
