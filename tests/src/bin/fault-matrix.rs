//! Prints the fault matrix (`cargo xtask faults`) and fails when any guarantee does not hold.

use std::process::ExitCode;

use nxlink_integration_tests::fault_matrix;

#[tokio::main]
async fn main() -> ExitCode {
    let outcomes = fault_matrix::run_all().await;
    println!(
        "| {:<10} | {:<24} | {:<58} | {:<30} | {:<5} |",
        "operation", "fault", "client reports", "gateway holds", ""
    );
    println!(
        "|{}|{}|{}|{}|{}|",
        "-".repeat(12),
        "-".repeat(26),
        "-".repeat(60),
        "-".repeat(32),
        "-".repeat(7)
    );
    for outcome in &outcomes {
        println!("{outcome}");
    }
    let failing = outcomes.iter().filter(|outcome| !outcome.holds).count();
    println!(
        "\n{} scenarios, {} hold, {failing} fail",
        outcomes.len(),
        outcomes.len() - failing
    );
    if failing == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
