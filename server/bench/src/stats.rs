//! Percentiles of measured durations.

use std::time::Duration;

/// The figures of one benchmark case.
#[derive(Debug, PartialEq)]
pub struct Summary {
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
}

impl Summary {
    /// Summarizes at least one sample.
    pub fn of(mut samples: Vec<Duration>) -> Self {
        assert!(!samples.is_empty(), "a summary needs samples");
        samples.sort_unstable();
        Self {
            p50: percentile(&samples, 50),
            p99: percentile(&samples, 99),
            max: *samples.last().expect("not empty"),
        }
    }
}

/// The nearest-rank percentile: the smallest sample with at least `p`% of the
/// samples at or below it (no interpolation, so it is always a measured value).
fn percentile(sorted: &[Duration], p: usize) -> Duration {
    let rank = (sorted.len() * p).div_ceil(100).max(1);
    sorted[rank - 1]
}

/// Times a case: `untimed` calls first (so that connections, caches and
/// plans are warm), then `samples` timed ones; `call` answers its wall time.
pub async fn sample<F, Fut, E>(untimed: usize, samples: u64, mut call: F) -> Result<Summary, E>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Duration, E>>,
{
    for _ in 0..untimed {
        call().await?;
    }
    let mut times = Vec::with_capacity(samples as usize);
    for _ in 0..samples {
        times.push(call().await?);
    }
    Ok(Summary::of(times))
}

/// A table row: the case, p50, p99 and max, and whether p99 is under `target`.
pub fn print_row(label: &str, summary: &Summary, target: Option<Duration>) {
    let verdict = match target {
        Some(target) if summary.p99 < target => "  met",
        Some(_) => "  MISSED",
        None => "",
    };
    println!(
        "  {label:<36} {:>8.2} {:>8.2} {:>8.2}{verdict}",
        ms(summary.p50),
        ms(summary.p99),
        ms(summary.max)
    );
}

/// Milliseconds, for printing.
pub fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let samples: Vec<Duration> = (1..=300).rev().map(Duration::from_millis).collect();
        let summary = Summary::of(samples);
        assert_eq!(summary.p50, Duration::from_millis(150));
        assert_eq!(summary.p99, Duration::from_millis(297));
        assert_eq!(summary.max, Duration::from_millis(300));

        let one = Summary::of(vec![Duration::from_millis(7)]);
        assert_eq!(one.p50, Duration::from_millis(7));
        assert_eq!(one.p99, Duration::from_millis(7));
    }
}
