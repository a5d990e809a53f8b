//! Mapping a measure's raw value onto 0–100 through band breakpoints.

/// Piecewise-linear map from a raw value to 0–100; flat beyond the first and last breakpoints.
/// Breakpoints are `(raw, score)` with strictly increasing raw values.
pub fn interpolate(points: &[(f64, f64)], x: f64) -> f64 {
    debug_assert!(points.windows(2).all(|w| w[0].0 < w[1].0));
    let (first, last) = (points[0], points[points.len() - 1]);
    if x <= first.0 {
        return first.1;
    }
    if x >= last.0 {
        return last.1;
    }
    for w in points.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        if x <= x1 {
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0);
        }
    }
    last.1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::health::Band;

    #[test]
    fn band_edges_follow_design() {
        assert_eq!(Band::of(0.0), Band::Red);
        assert_eq!(Band::of(50.0), Band::Red);
        assert_eq!(Band::of(50.4), Band::Red);
        assert_eq!(Band::of(50.5), Band::Yellow);
        assert_eq!(Band::of(51.0), Band::Yellow);
        assert_eq!(Band::of(75.0), Band::Yellow);
        assert_eq!(Band::of(76.0), Band::Green);
        assert_eq!(Band::of(100.0), Band::Green);
    }

    #[test]
    fn interpolation_is_linear_between_points_and_flat_outside() {
        let pts = [(0.0, 0.0), (0.5, 51.0), (0.8, 76.0), (1.0, 100.0)];
        assert_eq!(interpolate(&pts, -1.0), 0.0);
        assert_eq!(interpolate(&pts, 0.25), 25.5);
        assert_eq!(interpolate(&pts, 0.5), 51.0);
        // halfway from 0.5 to 0.8 is 0.65 → halfway from 51 to 76 = 63.5
        assert!((interpolate(&pts, 0.65) - 63.5).abs() < 1e-9);
        assert_eq!(interpolate(&pts, 1.7), 100.0);
        let falling = [(0.0, 100.0), (14.0, 76.0), (30.0, 51.0), (60.0, 0.0)];
        // 45 days: halfway from 30 to 60 → halfway from 51 to 0 = 25.5
        assert!((interpolate(&falling, 45.0) - 25.5).abs() < 1e-9);
    }
}
