//! Measuring several sides in turns, so that every ratio compares figures taken within the
//! same second.
//!
//! On the shared 2-vCPU virtual machine these benchmarks run on, the same work got up to
//! 15 % slower from one minute to the next, and 35 % slower for stretches of a few seconds.
//! Measured one after the other (as criterion does), two sides a minute apart see two
//! different machines; measured in short turns, rotating, they see the same one.

/// Every counted round's figure for every side.
pub(crate) struct Rounds<const SIDES: usize> {
    figures: Vec<[f64; SIDES]>,
}

impl<const SIDES: usize> Rounds<SIDES> {
    /// The median of one side's figures.
    pub(crate) fn median(&self, side: usize) -> f64 {
        self.median_of(|round| round[side])
    }

    /// The median over the rounds of `of` one round's figures: for a ratio of two sides, the
    /// ratio within each round, which a change of the machine's speed between rounds does
    /// not skew (as the ratio of two medians can, when each median falls in a different
    /// stretch of the run).
    pub(crate) fn median_of(&self, of: impl Fn(&[f64; SIDES]) -> f64) -> f64 {
        median(self.figures.iter().map(of).collect())
    }
}

/// Calls `measure(side)` for every side in `rounds + 1` rounds, the order rotating each round;
/// the first round is a warm-up and is not counted.
pub(crate) fn in_turns<const SIDES: usize>(
    rounds: usize,
    mut measure: impl FnMut(usize) -> f64,
) -> Rounds<SIDES> {
    let mut figures = Vec::with_capacity(rounds);
    for round in 0..=rounds {
        let mut figure = [f64::NAN; SIDES];
        for turn in 0..SIDES {
            let side = (round + turn) % SIDES;
            figure[side] = measure(side);
        }
        if round > 0 {
            figures.push(figure);
        }
    }
    Rounds { figures }
}

/// The middle value (the upper one of an even count); NaN for none.
pub(crate) fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}
