//! Measuring several sides in turns, so that every ratio compares figures taken within the
//! same second.
//!
//! On the shared 2-vCPU virtual machine these benchmarks run on, the same single-threaded
//! work got up to 15 % slower from one minute to the next. Measured one after the other (as
//! criterion does), two sides a minute apart see two different machines; measured in short
//! turns, rotating, they see the same one.

/// Calls `measure(side)` for every side in `rounds + 1` rounds, the order rotating each round,
/// and returns each side's median over the rounds after the first (a warm-up, not counted).
pub(crate) fn medians_in_turns<const SIDES: usize>(
    rounds: usize,
    mut measure: impl FnMut(usize) -> f64,
) -> [f64; SIDES] {
    let mut figures: [Vec<f64>; SIDES] = std::array::from_fn(|_| Vec::with_capacity(rounds));
    for round in 0..=rounds {
        for turn in 0..SIDES {
            let side = (round + turn) % SIDES;
            let figure = measure(side);
            if round > 0 {
                figures[side].push(figure);
            }
        }
    }
    figures.map(median)
}

/// The middle value (the upper one of an even count); NaN for none.
pub(crate) fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}
