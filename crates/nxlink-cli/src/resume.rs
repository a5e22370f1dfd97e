//! Finishing a run that did not complete: the command that resumes it, and the refusal to
//! write its failed-rows file or journal over the file being read.

use std::path::Path;

use crate::errors::CliError;

/// The command that appends the failed rows, to finish a run.
pub(crate) fn resume_hint(task_id: &str, failed: &Path) -> String {
    format!(
        "nxlink contacts append --task {} --csv {}",
        shell_quote(task_id),
        shell_quote(&failed.display().to_string())
    )
}

/// Quotes a word for a POSIX shell when it needs it.
fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@%+,".contains(&b));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Refuses to write `what` (the failed-rows file, the journal) over the file being read.
pub(crate) fn ensure_distinct(
    input: &Path,
    output: &Path,
    what: &str,
    flag: &str,
) -> Result<(), CliError> {
    let same = match (input.canonicalize(), output.canonicalize()) {
        (Ok(input), Ok(output)) => input == output,
        _ => input == output,
    };
    if same {
        return Err(CliError::usage_hint(
            format!("{what} {} is the input itself", output.display()),
            format!("pass {flag} with another path"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_only_when_needed() {
        assert_eq!(shell_quote("a-b_c.csv"), "a-b_c.csv");
        assert_eq!(shell_quote("my file.csv"), "'my file.csv'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
